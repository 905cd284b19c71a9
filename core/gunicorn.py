"""Gunicorn's settings for the production server (scripts/serve.sh, `make serve`).

Environment:
- PORT: listen on 0.0.0.0:PORT (a container or platform); without it, on BIND, which
  defaults to 127.0.0.1:8000 (a reverse proxy on the same machine).
- WEB_CONCURRENCY: worker processes; default two per CPU core plus one.
- FORWARDED_ALLOW_IPS: proxies whose X-Forwarded-Proto gunicorn believes (default
  127.0.0.1); Django also trusts it in production (SECURE_PROXY_SSL_HEADER).
"""

import multiprocessing
import os

wsgi_app = "core.wsgi:application"

bind = (
    [f"0.0.0.0:{os.environ['PORT']}"]
    if os.environ.get("PORT")
    else [os.environ.get("BIND", "127.0.0.1:8000")]
)
# Synchronous workers: one request at a time each, one database connection each.
# They expect a buffering reverse proxy in front (nginx, a load balancer) to deal with
# slow clients, which is how the README says to deploy.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests, so a slow leak never grows for long.
max_requests = 2000
max_requests_jitter = 200
# Load the app once, before forking: a configuration error stops the start at once,
# with its message, instead of every worker failing in a loop.
preload_app = True
# Gunicorn's control socket defaults to one path per user: two servers on one machine
# would fight over it, and nothing here uses it.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
