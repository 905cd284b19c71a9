# The two commands of the README's Quick start. Both can be run again at any time.
.PHONY: run test test-unit serve scan mutation bench screenshots

# Set up (virtual environment, pinned dependencies, SQLite database, demo data) and serve the app.
run:
	scripts/venv.sh requirements.txt
	.venv/bin/python manage.py migrate --noinput
	.venv/bin/python manage.py seed_demo
	.venv/bin/python manage.py runserver 127.0.0.1:8000

# Set up the test dependencies and run every check: lint, migrations, then the unit tests
# on SQLite and on PostgreSQL and Redis, and the browser journeys once (scripts/test.sh).
test:
	scripts/venv.sh requirements-test.txt
	@# Playwright cannot download its own browser everywhere: use the system Chromium when there is one.
	@if [ ! -x /usr/bin/chromium ]; then .venv/bin/playwright install chromium; fi
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/python manage.py makemigrations --check --dry-run
	scripts/test.sh

# The quick loop while working: lint, then the unit tests on SQLite, on every core.
test-unit:
	scripts/venv.sh requirements-test.txt
	.venv/bin/ruff check .
	scripts/test.sh unit

# Production: gunicorn with DJANGO_DEBUG=false, behind /healthz and /readyz. Needs the
# environment described in the README's "Running in production".
serve:
	scripts/venv.sh requirements.txt
	scripts/serve.sh

# Scan a local production-mode server with wapiti, anonymous and logged in (scripts/scan.sh).
# Not part of `make test`: it takes minutes.
scan:
	scripts/scan.sh

# Mutation testing of the app's code against the unit tests (scripts/mutation.sh): prints
# the score and the surviving mutants. Not part of `make test`: it takes about 25 minutes.
mutation:
	scripts/mutation.sh

# Load-test the production server with wrk: every page against /healthz in the same run
# (scripts/bench.sh). Not part of `make test`. `make bench ARGS=--small` for a quick run.
bench:
	scripts/bench.sh $(ARGS)

# The README's screenshots, taken in Chromium from the app on a throwaway SQLite database
# with the demo data (scripts/screenshots.py). Needs the test tools.
screenshots:
	scripts/venv.sh requirements-test.txt
	.venv/bin/python scripts/screenshots.py
