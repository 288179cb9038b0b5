# The README's two commands are `make run` and `make test`; everything else supports them.
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run serve test lint check fixtures bench lock clean

run: $(VENV)/.runtime fixtures
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# Production settings under gunicorn (one worker per CPU), static files through WhiteNoise.
serve: $(VENV)/.runtime
	PORT=$(PORT) sh bin/serve

test: $(VENV)/.dev node_modules/.installed lint check
	$(VENV)/bin/pytest

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

check: $(VENV)/.runtime
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run

# Migrates and adds the story's missing rows; what editors changed or deleted is left as it is.
fixtures: $(VENV)/.runtime
	$(MANAGE) migrate --noinput
	$(MANAGE) load_story

$(PY):
	@interpreter=$$(PYTHON=$(PYTHON) sh bin/find-python) && echo "Creating $(VENV) with $$interpreter" && "$$interpreter" -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	@touch $@

# axe-core, for the accessibility tests; installed from package-lock.json only.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

# The benchmark on a 100,000-piece synthetic archive, on 127.0.0.1 only; results in bench/RESULTS.md.
bench: $(VENV)/.runtime
	$(PY) bench/run.py $(BENCH_ARGS)

# Regenerates both lock files from pyproject.toml (needs the registry).
lock: $(PY)
	$(PY) -m pip install --quiet uv
	UV_PYTHON_DOWNLOADS=never $(VENV)/bin/uv pip compile pyproject.toml --universal --generate-hashes \
		--python $(PY) --python-version 3.12 -o requirements.txt
	UV_PYTHON_DOWNLOADS=never $(VENV)/bin/uv pip compile pyproject.toml --group dev --universal --generate-hashes \
		--python $(PY) --python-version 3.12 -o requirements-dev.txt

clean:
	rm -rf $(VENV) var node_modules test-artifacts
