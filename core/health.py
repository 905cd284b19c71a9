"""Health checks for load balancers, orchestrators and uptime monitors.

- /healthz (liveness): the process is up and answering. It touches nothing: no
  database, no cache, no session, no cookie. Restart the process when it fails.
- /readyz (readiness): the database answers and, when REDIS_URL is set, so does Redis.
  503 otherwise: stop sending this process traffic until it passes again.

Both are answered by the first middleware, before the host check (probes often ask by
IP address), sessions, CSRF and the login requirement, so they cost no query and set
no cookie.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponseNotAllowed, JsonResponse

from core.cache import UNAVAILABLE

logger = logging.getLogger(__name__)


def liveness():
    return {"status": "ok"}, 200


def _database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Not ready: the database cannot be reached (%s)", error)
        return False
    return True


def _redis_answers():
    try:
        cache.get("readyz")
    except UNAVAILABLE as error:
        logger.warning("Not ready: Redis cannot be reached (%s)", error)
        return False
    return True


def readiness():
    checks = {"database": _database_answers()}
    if settings.REDIS_URL:
        checks["redis"] = _redis_answers()
    ready = all(checks.values())
    body = {"status": "ok" if ready else "unavailable"}
    body.update({name: "ok" if ok else "unavailable" for name, ok in checks.items()})
    return body, 200 if ready else 503


CHECKS = {"/healthz": liveness, "/readyz": readiness}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        check = CHECKS.get(request.path_info)
        if check is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        body, status = check()
        response = JsonResponse(body, status=status)
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        if status == 503:
            response["Retry-After"] = "10"
        return response
