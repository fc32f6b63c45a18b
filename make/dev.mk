# Contributors' git hooks: pre-commit (requirements-dev.txt) runs ruff and
# sqlfluff on the files a commit changes (.pre-commit-config.yaml).

DEV_REQUIREMENTS := requirements-dev.txt

.PHONY: setup-dev

setup-dev: $(VENV)/.installed-dev ## install pre-commit into .venv and its git hook into .git/hooks

$(VENV)/.installed-dev: $(VENV)/.installed $(DEV_REQUIREMENTS)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.txt -r $(DEV_REQUIREMENTS)
	$(BIN)/pip check
	$(BIN)/pre-commit install
	touch $@
