"""The client's address, directly or behind trusted proxies (DJANGO_PROXY_COUNT)."""

import pytest
from django.test import Client, RequestFactory

from accounts.sessions.devices import client_ip
from accounts.tests.factories import PASSWORD, make_user


def ip_of(proxies, remote="192.0.2.10", forwarded=None, settings=None):
    settings.PROXY_COUNT = proxies
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


def test_without_proxies_the_connection_is_the_client_and_forwarded_for_is_ignored(settings):
    assert ip_of(0, forwarded="203.0.113.9", settings=settings) == "192.0.2.10"


def test_behind_one_proxy_the_address_it_saw_is_the_client(settings):
    # The client forged the first entry; our proxy appended the real address.
    assert ip_of(1, forwarded="6.6.6.6, 203.0.113.9", settings=settings) == "203.0.113.9"


def test_behind_two_proxies_the_outer_proxys_entry_is_the_client(settings):
    forwarded = "6.6.6.6, 203.0.113.9, 10.0.0.2"
    assert ip_of(2, forwarded=forwarded, settings=settings) == "203.0.113.9"


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address", "203.0.113.9, <script>"])
def test_a_missing_or_garbled_forwarded_for_falls_back_to_the_connection(settings, forwarded):
    assert ip_of(1, forwarded=forwarded, settings=settings) == "192.0.2.10"


def test_an_ipv6_zone_is_dropped(settings):
    assert ip_of(0, remote="fe80::1%eth0", settings=settings) == "fe80::1"


def test_no_valid_address_at_all_is_none(settings):
    assert ip_of(0, remote="", settings=settings) is None


@pytest.mark.django_db
def test_the_lockout_tells_clients_behind_one_proxy_apart(settings):
    settings.PROXY_COUNT = 1
    make_user("ada")
    attacker = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.66")
    owner = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    data = {"username": "ada", "password": "wrong"}
    assert [attacker.post("/accounts/login/", data).status_code for _ in range(5)][-1] == 429

    response = owner.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
