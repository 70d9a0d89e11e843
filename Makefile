# billing_saas: `make dev` runs the app, `make test` runs every test. Only Python 3.11 and make needed.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
DEMO_PLATFORM ?= stripe
PORT ?= 8000
# The suite's slowest tests, listed at its end: the suite must stay well under 20 minutes.
PYTEST_ARGS ?= --durations=25

.PHONY: dev test install lint format migrate clean chromium bench wrk gettext messages pdf-libs

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP) pdf-libs

# WeasyPrint (invoice PDFs) draws text with the system's Pango and needs one font; Debian's
# chromium brings both, a bare machine gets them here.
pdf-libs:
	@{ ldconfig -p | grep -q libpangoft2-1.0.so.0 && fc-list 2>/dev/null | grep -q .; } || { \
	  echo "Installing Pango and a font for the PDFs (WeasyPrint)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core >/dev/null; }

# exec: the dev server replaces the recipe's shell, so the SIGTERM make passes on to its recipe
# reaches it (a shell in between would die alone and leave everything running).
dev: install
	exec env DEMO_PLATFORM=$(DEMO_PLATFORM) $(PY) -m billing_saas.devserver --port $(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: install chromium gettext
	$(PY) -m pytest $(PYTEST_ARGS)

# GNU gettext: makemessages (and the test that no string escapes the catalogue) needs xgettext.
gettext:
	@command -v xgettext >/dev/null 2>&1 || { \
	  echo "Installing GNU gettext for the translation catalogue"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext >/dev/null; }

# After changing strings: refresh locale/fr/LC_MESSAGES/django.po, translate what is new (the
# test suite names it), then run it again to compile the .mo (both are committed).
MESSAGE_IGNORES := --ignore=.venv --ignore=bench --ignore=tests --ignore="*/tests/*" \
	--ignore=staticfiles --ignore=test-artifacts --ignore=.data
messages: install gettext
	$(PY) manage.py makemessages -l fr --no-location --no-obsolete $(MESSAGE_IGNORES)
	$(PY) manage.py compilemessages -l fr --ignore=.venv --ignore=.data

wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing Debian's wrk for the benchmark"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }

# Issue 12's figures (see README, "Performance"); its own data in .data/bench. Not part of test.
# BENCH_ARGS="--rounds 5 --seconds 10" for steadier figures.
bench: install wrk
	$(PY) -m bench $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .data staticfiles .pytest_cache
