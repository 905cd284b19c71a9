"""/healthz and /readyz, in-process (test_production_server.py asks a real server)."""

import pytest
from django.test import Client, override_settings

from accounts.tests.factories import make_user


def test_liveness_answers_without_touching_anything(client, db, django_assert_num_queries):
    client.force_login(make_user())  # even a signed-in session is not loaded
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert not response.cookies
    assert response["Cache-Control"] == "no-store"
    assert not response.has_header("Vary")


@pytest.mark.django_db
@override_settings(REDIS_URL="")
def test_readiness_reports_the_database():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert not response.cookies


@pytest.mark.django_db
def test_readiness_is_503_when_redis_cannot_be_reached(unreachable_redis_settings):
    with override_settings(**unreachable_redis_settings):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "unavailable"}
    assert response["Retry-After"]


@pytest.mark.django_db
@pytest.mark.redis
def test_readiness_reports_a_reachable_redis():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_answer_a_probe_by_ip_address(path, db):
    # Not an allowed host: every other page answers 400 to it.
    assert Client(HTTP_HOST="10.0.0.7:8000").get(path).status_code == 200
    assert Client(HTTP_HOST="10.0.0.7:8000").get("/articles/").status_code == 400


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_refuse_other_methods(path):
    response = Client().post(path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
