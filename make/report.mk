# `make report`: a static report (PNG charts and an HTML page) of the segment
# history of the demo warehouse: segment sizes over time, net revenue by
# segment, the transition matrix between two dates, customers per RFM group and
# the holdout comparison. The plotting library
# is pinned in requirements-report.txt and installed into .venv.

REPORT_DB ?= $(DEMO_DB)
REPORT_DIR ?= reports
REPORT_ARGS ?=

.PHONY: setup-report report

setup-report: $(VENV)/.installed-report ## install the pinned plotting library (matplotlib) into .venv

$(VENV)/.installed-report: $(VENV)/.installed requirements-report.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.txt -r requirements-report.txt
	touch $@

report: setup-report demo ## build the demo, then write reports/: segment sizes, revenue by segment, transitions, RFM groups, holdout comparison
	$(BIN)/python -m tools.report --database $(REPORT_DB) --output $(REPORT_DIR) $(REPORT_ARGS)
