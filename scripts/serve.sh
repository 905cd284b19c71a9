#!/usr/bin/env bash
# The production start (`make serve`): check the deployment settings, apply the
# migrations, collect the static files, then run gunicorn (core/gunicorn.py) in the
# foreground. Always production mode (DJANGO_DEBUG=false), so it needs at least
# DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and EMAIL_HOST: see the README, "Running in
# production". Safe to run on several servers at once (the migrations take turns).
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG=false
python=.venv/bin/python

"$python" manage.py check --deploy --fail-level ERROR
"$python" manage.py migrate --noinput
"$python" manage.py collectstatic --noinput --verbosity 0
exec .venv/bin/gunicorn --config core/gunicorn.py
