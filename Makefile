# Two commands on a fresh machine: `make run` (the app) and `make test` (lint + all tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# pytest workers: the suite waits on servers and chromium as much as it computes, so two share two cores well
WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(WORKERS) --dist loadfile

.PHONY: run test quick demo bench system-deps clean cluster cluster-stop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

## run: install (chromium and a Chinese font too, where it can), build the demo database if it is missing, serve
run: $(VENV)/.runtime
	-@$(MAKE) --no-print-directory system-deps
	$(BIN)/python -m ledger demo --if-missing
	$(BIN)/streamlit run app.py --server.headless true --server.port $(PORT)

## demo: rebuild the demo database from scratch
demo: $(VENV)/.runtime
	$(BIN)/python -m ledger demo

## test: lint, format check, then every test (browser tests run when Debian's chromium is present)
test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PYTEST) -m "not browser"
	$(BIN)/python -m pytest -m browser  # one chromium at a time: two at once on 2 cores time out now and then

## quick: the inner loop: lint, format check and every test that needs no browser (make test runs them all)
quick: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PYTEST) -q -m "not browser"

## cluster: a one-machine try-out of several servers: a throwaway PostgreSQL with the demo, two app servers, nginx on loopback
CLUSTER_DIR ?= data/cluster
CLUSTER_PORT ?= 8680
cluster: $(VENV)/.runtime
	-@$(MAKE) --no-print-directory system-deps
	$(BIN)/python -m deploy.cluster start --folder $(CLUSTER_DIR) --port $(CLUSTER_PORT)

## cluster-stop: stop what make cluster started (nginx, the app servers, PostgreSQL); the logs stay in CLUSTER_DIR
cluster-stop:
	$(BIN)/python -m deploy.cluster stop --folder $(CLUSTER_DIR)

## system-deps: Debian packages for chart export, browser tests, Chinese glyphs, the PostgreSQL tests and nginx (make cluster) (needs root; CI runs it)
system-deps:
	@if command -v chromium >/dev/null && fc-list :lang=zh 2>/dev/null | grep -q . \
		&& [ -x /usr/lib/postgresql/15/bin/initdb ] && [ -x /usr/sbin/nginx ]; then \
		echo "chromium、中文字体、PostgreSQL 与 nginx 已安装"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk postgresql nginx >/dev/null; \
	else echo "跳过: 需要 root 和 apt-get 才能安装 chromium、fonts-noto-cjk、postgresql 与 nginx（导出图表时页面会说明缺少什么；PostgreSQL 测试会报告缺少它；make cluster 会说明缺少 nginx）"; fi

## bench: page render and query timings (not a test)
bench: $(VENV)/.dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) data/ledger.duckdb screenshots bench/results
