# `make report`: a static report (PNG charts and an HTML page) of the segment
# history of the demo warehouse: segment sizes over time, net revenue by
# segment, the transition matrix between two dates, customers per RFM group and
# the holdout comparison. The plotting library
# is pinned in requirements-report.txt and installed into .venv.

REPORT_DB ?= $(DEMO_DB)
REPORT_DIR ?= reports
REPORT_ARGS ?=
# the calibration/holdout check of the prediction model (tools/holdout.py): fit
# on the demo orders up to HOLDOUT_FROM, predict to the demo date, compare
HOLDOUT_FROM ?= 2026-01-01

.PHONY: setup-report report report-cdnow

setup-report: $(VENV)/.installed-report ## install the pinned plotting library (matplotlib) into .venv

$(VENV)/.installed-report: $(VENV)/.installed requirements-report.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.txt -r requirements-report.txt
	touch $@

report: setup-report demo ## build the demo, then write reports/: segment sizes, revenue by segment, transitions, RFM groups, holdout comparison, the prediction model's holdout check
	$(BIN)/python -m tools.report --database $(REPORT_DB) --output $(REPORT_DIR) $(REPORT_ARGS)
	$(BIN)/python -m tools.holdout --raw-database $(REPORT_DB) --raw-schema demo_raw \
		--calibration-end $(HOLDOUT_FROM) --holdout-end 2026-06-30 --output $(REPORT_DIR) --name demo

report-cdnow: setup-report ## the holdout check on the CDNOW sample of the BG/NBD paper (downloads the Lifetimes 0.11.3 wheel once)
	$(BIN)/python -m tools.holdout --cdnow --output $(REPORT_DIR) --name cdnow
