# Two commands for a fresh machine:  `make run` (the main job) and `make test` (the suite).
# Both create the virtual environment and install what they need on first use.

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DRAWS  ?= 1000

.PHONY: run test setup browser app calibrate bench lint notebooks sketch clean

run: $(STAMP)  ## run every scenario file and print each target scoreboard
	$(PY) -m suzhou_sim run-all --draws $(DRAWS)

test: $(STAMP) browser  ## the whole test suite (what CI runs)
	$(PY) -m pytest -n 2 --dist loadfile -q --durations=15

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (set PYTHON=...)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# Debian's chromium for the browser test of the app and a CJK font (fonts-noto-cjk) so that
# Chinese text renders in the browser and in the charts of the Word reports; LibreOffice
# Writer (no GUI) and poppler-utils render the Word report to PDF in its layout test (root on
# CI; sudo elsewhere).
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=zh family | grep -q . \
	   && command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig \
	    libreoffice-writer-nogui poppler-utils >/dev/null; }

app: $(STAMP)  ## the planners' Streamlit app
	$(VENV)/bin/streamlit run app.py

calibrate: $(STAMP)  ## re-fit both regions and rewrite model/calibration/
	$(PY) -m suzhou_sim calibrate --region suzhou
	$(PY) -m suzhou_sim calibrate --region kunshan

bench: $(STAMP) browser  ## performance figures (against PySD, and the decision studies' goals); not tests
	$(PY) benchmarks/bench_engine.py
	$(PY) benchmarks/bench_run.py
	$(PY) benchmarks/bench_sensitivity.py
	$(PY) benchmarks/bench_calibrate.py
	$(PY) benchmarks/bench_effects.py
	$(PY) benchmarks/bench_decision.py
	$(PY) benchmarks/bench_portfolio.py
	$(PY) benchmarks/bench_backtest.py
	$(PY) benchmarks/bench_app_concurrency.py
	$(PY) benchmarks/bench_app_concurrency.py --fresh

sketch: $(STAMP)  ## rewrite the Vensim diagram of the model from its equations (after editing them)
	$(PY) -m suzhou_sim sketch model/innovation_cluster.mdl

lint: $(STAMP)
	$(VENV)/bin/ruff check suzhou_sim tests benchmarks app.py notebooks

clean:
	rm -rf output test-artifacts .pytest_cache
