"""Passkeys (accounts/mfa/ceremonies.py and views.py, accounts/signin/passkey_login.py):
adding, listing, renaming and removing them in Settings, signing in with one, and one as
the second step after a password.

The browser's part is played by a software authenticator (webauthn_authenticator.py)
with a real key, so py_webauthn verifies real signatures over the server's challenges.
"""

import json

import pyotp
import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client

from accounts.models import Passkey, TOTPDevice
from accounts.sessions import activity
from accounts.signin import flow
from accounts.signin.factors import Method
from accounts.tests.factories import PASSWORD, later, make_user, wait_for_mail
from accounts.tests.webauthn_authenticator import Authenticator, b64url
from support.client import HX, logged_in_client

pytestmark = pytest.mark.django_db

PAGE = "/accounts/passkeys/"
ADD = "/accounts/passkeys/add/"
REGISTER_OPTIONS = "/accounts/passkeys/register/options/"
REGISTER = "/accounts/passkeys/register/"
LOGIN_OPTIONS = "/accounts/passkeys/login/options/"
LOGIN = "/accounts/passkeys/login/"
STEP_OPTIONS = "/accounts/passkeys/second-step/options/"
STEP = "/accounts/passkeys/second-step/"
JSON_ENDPOINTS = [REGISTER_OPTIONS, REGISTER, LOGIN_OPTIONS, LOGIN, STEP_OPTIONS, STEP]


def post_json(client, url, data=None, **extra):
    return client.post(url, data or {}, content_type="application/json", **extra)


def register(client, authenticator, name="Laptop", **create):
    options = post_json(client, REGISTER_OPTIONS).json()
    credential = authenticator.create(options, **create)
    return post_json(client, REGISTER, {"name": name, "credential": credential})


def with_passkey(user=None, name="Laptop", **authenticator_options):
    """A member and the authenticator that holds their new passkey."""
    user = user or make_user()
    authenticator = Authenticator(**authenticator_options)
    response = register(logged_in_client(user), authenticator, name)
    assert response.status_code == 200, response.content
    return user, authenticator


def sign_in(authenticator, client=None, query="", remember=None, **get):
    client = client or Client()
    options = post_json(client, LOGIN_OPTIONS).json()
    body = {"credential": authenticator.get(options, **get)}
    if remember is not None:
        body["remember"] = remember
    return client, post_json(client, LOGIN + query, body)


def signed_in_as(client):
    return client.session.get(SESSION_KEY)


def with_two_factor(user):
    TOTPDevice.objects.create(user=user, secret=pyotp.random_base32())
    return user


def error(response):
    return response.json()["error"]


# Adding a passkey


def test_a_member_adds_a_passkey_and_signs_in_with_it_without_a_username():
    user, authenticator = with_passkey(name="MacBook")
    passkey = Passkey.objects.get(user=user)
    assert passkey.name == "MacBook"
    assert passkey.credential_id == authenticator.id
    assert passkey.transports == ["internal", "hybrid"]
    assert passkey.last_used is None

    client, response = sign_in(authenticator)
    assert response.status_code == 200
    assert response.json() == {"redirect": "/articles/"}
    assert signed_in_as(client) == str(user.pk)
    assert client.session[activity.SIGN_IN_METHOD] == Method.PASSKEY
    passkey.refresh_from_db()
    assert passkey.sign_count == 1
    assert passkey.last_used is not None
    assert "Welcome back" in client.get("/articles/").text


def test_registration_answers_where_to_go_and_says_so():
    user = make_user()
    client = logged_in_client(user)
    response = register(client, Authenticator(), "Phone")
    assert response.json() == {"redirect": PAGE}
    assert "The passkey “Phone” has been added." in client.get(PAGE).text


def test_registration_asks_for_a_discoverable_credential_without_the_members_passkeys():
    user, first = with_passkey()
    options = post_json(logged_in_client(user), REGISTER_OPTIONS).json()
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert [c["id"] for c in options["excludeCredentials"]] == [first.id]
    assert options["rp"]["id"] == "testserver"
    assert options["user"]["name"] == user.username
    # The member's handle stays the same for every passkey they add.
    assert options["user"]["id"] == first.user_handle


def test_every_member_has_a_random_user_handle_of_their_own():
    _, one = with_passkey()
    _, two = with_passkey()
    assert one.user_handle != two.user_handle
    assert len(one.user_handle) >= 40  # 32 random bytes, in base64url


def test_a_second_passkey_keeps_the_members_handle():
    user, first = with_passkey()
    register(logged_in_client(user), Authenticator(), "Phone")
    assert {p.user_handle for p in user.passkeys.all()} == {first.user_handle}


def test_adding_a_passkey_needs_the_password_entered_lately():
    user = make_user()
    client = logged_in_client(user)
    options = post_json(client, REGISTER_OPTIONS).json()  # in time
    with later(minutes=11):
        late = post_json(client, REGISTER_OPTIONS)
        assert late.status_code == 403
        assert "confirm your password" in error(late)
        credential = Authenticator().create(options)
        refused = post_json(client, REGISTER, {"name": "Laptop", "credential": credential})
        assert refused.status_code == 403
    assert not Passkey.objects.exists()


def test_the_add_form_asks_for_the_password_then_is_ready_to_create_the_passkey():
    user = make_user()
    client = logged_in_client(user)
    with later(minutes=11):
        prompt = client.post(ADD, {"name": "Laptop"})
        assert "Confirm your password" in prompt.text
        ready = client.post(ADD, {"name": "Laptop", "sudo-password": PASSWORD})
        assert ready.status_code == 200
        assert 'data-passkey="register"' in ready.text
        assert 'data-name="Laptop"' in ready.text
        assert "Ready to create the passkey “Laptop”" in ready.text
        # The password counts: the browser's part may follow.
        assert post_json(client, REGISTER_OPTIONS).status_code == 200


def test_the_add_form_in_place_refuses_a_blank_name():
    client = logged_in_client(make_user())
    response = client.post(ADD, {"name": "  "}, headers={**HX, "HX-Target": "passkey-add"})
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<div id="passkey-add">')
    assert "This field is required." in response.text


def test_registration_refuses_a_bad_name_and_uses_up_the_challenge():
    client = logged_in_client(make_user())
    options = post_json(client, REGISTER_OPTIONS).json()
    credential = Authenticator().create(options)
    long_name = post_json(client, REGISTER, {"name": "x" * 101, "credential": credential})
    assert long_name.status_code == 400
    assert "at most 100 characters" in error(long_name)
    again = post_json(client, REGISTER, {"name": "Laptop", "credential": credential})
    assert again.status_code == 400
    assert not Passkey.objects.exists()


@pytest.mark.parametrize(
    ("create", "what"),
    [
        ({"origin": "https://evil.example"}, "origin"),
        ({"rp_id": "evil.example"}, "relying party"),
    ],
)
def test_registration_refuses_another_site(create, what):
    client = logged_in_client(make_user())
    response = register(client, Authenticator(), **create)
    assert response.status_code == 400, what
    assert error(response) == "The new passkey could not be verified. Please try again."
    assert not Passkey.objects.exists()


def test_a_passkey_cannot_be_registered_twice():
    user, authenticator = with_passkey()
    again = register(logged_in_client(make_user()), authenticator)
    assert again.status_code == 400
    assert error(again) == "This passkey is registered already."
    assert Passkey.objects.get().user == user


def test_registration_answers_must_match_the_challenge_of_this_session():
    client = logged_in_client(make_user())
    other = logged_in_client(make_user())
    options = post_json(other, REGISTER_OPTIONS).json()  # someone else's challenge
    post_json(client, REGISTER_OPTIONS)
    credential = Authenticator().create(options)
    response = post_json(client, REGISTER, {"name": "Laptop", "credential": credential})
    assert response.status_code == 400
    assert not Passkey.objects.exists()


# Signing in


def test_signing_in_goes_to_the_safe_next():
    _, authenticator = with_passkey()
    _, response = sign_in(authenticator, query="?next=/articles/new/")
    assert response.json() == {"redirect": "/articles/new/"}
    _, response = sign_in(authenticator, query="?next=//evil.example/")
    assert response.json() == {"redirect": "/articles/"}


def test_remember_me_applies_to_a_passkey_sign_in():
    _, authenticator = with_passkey()
    client, _ = sign_in(authenticator, remember=True)
    assert client.session[activity.REMEMBER] is True
    client, _ = sign_in(authenticator)
    assert client.session[activity.REMEMBER] is False


def test_a_passkey_with_user_verification_skips_the_code():
    user, authenticator = with_passkey(user_verified=True)
    with_two_factor(user)
    client, response = sign_in(authenticator)
    assert response.json() == {"redirect": "/articles/"}
    assert signed_in_as(client) == str(user.pk)
    assert client.session[activity.SIGN_IN_METHOD] == Method.PASSKEY


def test_a_passkey_without_user_verification_counts_as_a_password():
    user, authenticator = with_passkey(user_verified=False)
    with_two_factor(user)
    client, response = sign_in(authenticator, query="?next=/articles/new/")
    assert response.status_code == 200
    assert response.json() == {"redirect": "/accounts/login/two-factor/?next=%2Farticles%2Fnew%2F"}
    assert signed_in_as(client) is None
    assert client.session[flow.PENDING_USER] == user.pk


def test_without_two_factor_a_passkey_without_user_verification_signs_in():
    user, authenticator = with_passkey(user_verified=False)
    client, response = sign_in(authenticator)
    assert response.json() == {"redirect": "/articles/"}
    assert signed_in_as(client) == str(user.pk)


def test_under_mandatory_verification_a_passkey_does_not_sign_in_an_unconfirmed_address(
    settings,
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    _, authenticator = with_passkey(make_user(email="ada@example.org", email_verified=False))
    client, response = sign_in(authenticator)
    assert response.json() == {"redirect": "/accounts/email/check-inbox/"}
    assert signed_in_as(client) is None


def test_a_synced_passkey_that_never_counts_signs_in_again_and_again():
    user, authenticator = with_passkey(counts=False)
    for _ in range(3):
        client, response = sign_in(authenticator)
        assert response.status_code == 200
        assert signed_in_as(client) == str(user.pk)


def test_a_challenge_is_used_only_once():
    _, authenticator = with_passkey()
    client = Client()
    options = post_json(client, LOGIN_OPTIONS).json()
    first = authenticator.get(options)
    replay = authenticator.get(options)  # a new count, but the old challenge
    assert post_json(client, LOGIN, {"credential": first}).status_code == 200
    client.post("/accounts/logout/")
    response = post_json(client, LOGIN, {"credential": replay})
    assert response.status_code == 400
    assert "expired or was already used" in error(response)
    assert signed_in_as(client) is None


def test_a_refused_answer_uses_up_the_challenge_too():
    _, authenticator = with_passkey()
    client = Client()
    options = post_json(client, LOGIN_OPTIONS).json()
    wrong = authenticator.get(options, origin="https://evil.example")
    assert post_json(client, LOGIN, {"credential": wrong}).status_code == 400
    right = authenticator.get(options)
    assert post_json(client, LOGIN, {"credential": right}).status_code == 400
    assert signed_in_as(client) is None


def test_a_challenge_expires_after_five_minutes():
    _, authenticator = with_passkey()
    client = Client()
    options = post_json(client, LOGIN_OPTIONS).json()
    assert options["timeout"] == 300000
    with later(minutes=5, seconds=1):
        response = post_json(client, LOGIN, {"credential": authenticator.get(options)})
    assert response.status_code == 400
    assert signed_in_as(client) is None


def test_signing_in_without_asking_for_options_first_is_refused():
    _, authenticator = with_passkey()
    options = post_json(Client(), LOGIN_OPTIONS).json()  # another browser's challenge
    client = Client()
    response = post_json(client, LOGIN, {"credential": authenticator.get(options)})
    assert response.status_code == 400
    assert signed_in_as(client) is None


@pytest.mark.parametrize(
    "get", [{"origin": "https://evil.example"}, {"rp_id": "evil.example"}], ids=["origin", "rp_id"]
)
def test_an_answer_for_another_site_is_refused(get):
    _, authenticator = with_passkey()
    client, response = sign_in(authenticator, **get)
    assert response.status_code == 400
    assert error(response) == "This passkey could not be verified. Please try again."
    assert signed_in_as(client) is None


def test_a_signature_by_another_key_is_refused():
    _, authenticator = with_passkey()
    impostor = Authenticator()
    impostor.credential_id, impostor.user_handle = authenticator.credential_id, None
    client, response = sign_in(impostor)
    assert response.status_code == 400
    assert signed_in_as(client) is None


def test_an_unknown_passkey_is_refused():
    with_passkey()
    client, response = sign_in(Authenticator())
    assert response.status_code == 400
    assert "not registered here" in error(response)
    assert signed_in_as(client) is None


def test_a_user_handle_that_is_not_the_passkeys_is_refused():
    _, authenticator = with_passkey()
    authenticator.user_handle = b64url(b"someone else")
    client, response = sign_in(authenticator)
    assert response.status_code == 400
    assert signed_in_as(client) is None


def test_a_deactivated_member_cannot_sign_in_with_a_passkey():
    user, authenticator = with_passkey()
    user.is_active = False
    user.save()
    client, response = sign_in(authenticator)
    assert response.status_code == 403
    assert error(response) == "This account cannot sign in."
    assert signed_in_as(client) is None


@pytest.mark.parametrize("count", [3, 5], ids=["backwards", "same"])
def test_a_sign_count_that_does_not_go_up_is_refused_as_a_copied_passkey(count):
    _, authenticator = with_passkey()
    sign_in(authenticator, sign_count=5)
    client, response = sign_in(authenticator, sign_count=count)
    assert response.status_code == 403
    assert "copied" in error(response)
    assert signed_in_as(client) is None
    assert Passkey.objects.get().sign_count == 5


def test_the_relying_party_and_origins_come_from_settings(settings):
    settings.WEBAUTHN_RP_ID = "board.example.org"
    settings.WEBAUTHN_ORIGINS = ["https://board.example.org"]
    user = make_user()
    client = logged_in_client(user)
    options = post_json(client, REGISTER_OPTIONS).json()
    assert options["rp"]["id"] == "board.example.org"
    authenticator = Authenticator()
    credential = authenticator.create(options, origin="https://board.example.org")
    assert post_json(client, REGISTER, {"name": "L", "credential": credential}).status_code == 200
    # The request's own origin is not one of them any more.
    _, refused = sign_in(authenticator)
    assert refused.status_code == 400
    client, response = sign_in(authenticator, origin="https://board.example.org")
    assert response.status_code == 200
    assert signed_in_as(client) == str(user.pk)


# The second step after a password


def second_step(client, authenticator, query="", **get):
    options = post_json(client, STEP_OPTIONS)
    assert options.status_code == 200, options.content
    body = {"credential": authenticator.get(options.json(), **get)}
    return post_json(client, STEP + query, body)


def test_a_passkey_finishes_a_two_factor_sign_in(halfway):
    user, authenticator = with_passkey(user_verified=False)
    with_two_factor(user)
    client = halfway(user)
    response = second_step(client, authenticator, query="?next=/articles/new/")
    assert response.status_code == 200
    assert response.json() == {"redirect": "/articles/new/"}
    assert signed_in_as(client) == str(user.pk)
    assert client.session[activity.SIGN_IN_METHOD] == Method.PASSWORD_AND_PASSKEY
    assert flow.PENDING_USER not in client.session


def test_the_second_step_offers_only_the_pending_members_passkeys(halfway):
    user, mine = with_passkey()
    with_passkey()  # someone else's
    with_two_factor(user)
    options = post_json(halfway(user), STEP_OPTIONS).json()
    assert [c["id"] for c in options["allowCredentials"]] == [mine.id]


def test_another_members_passkey_cannot_finish_the_second_step(halfway):
    user, _ = with_passkey()
    with_two_factor(user)
    _, theirs = with_passkey()
    client = halfway(user)
    response = second_step(client, theirs)
    assert response.status_code == 403
    assert error(response) == "This passkey belongs to another account."
    assert signed_in_as(client) is None


def test_the_second_step_needs_a_pending_sign_in():
    _, authenticator = with_passkey()
    client = Client()
    response = post_json(client, STEP_OPTIONS)
    assert response.status_code == 403
    assert "not finished in time" in error(response)
    options = post_json(Client(), LOGIN_OPTIONS).json()
    assert post_json(client, STEP, {"credential": authenticator.get(options)}).status_code == 403


def test_the_second_step_is_refused_once_the_pending_sign_in_expired(halfway):
    user, authenticator = with_passkey()
    with_two_factor(user)
    client = halfway(user)
    options = post_json(client, STEP_OPTIONS).json()
    with later(minutes=6):
        response = post_json(client, STEP, {"credential": authenticator.get(options)})
    assert response.status_code == 403
    assert signed_in_as(client) is None


def test_the_second_step_without_a_passkey_says_so(halfway):
    user = with_two_factor(make_user())
    response = post_json(halfway(user), STEP_OPTIONS)
    assert response.status_code == 400
    assert "no passkey" in error(response)


def test_the_login_challenge_does_not_serve_the_second_step(halfway):
    user, authenticator = with_passkey()
    with_two_factor(user)
    client = halfway(user)
    options = post_json(client, LOGIN_OPTIONS).json()
    response = post_json(client, STEP, {"credential": authenticator.get(options)})
    assert response.status_code == 400
    assert signed_in_as(client) is None


# Malformed requests: always a clear 400 or 405, never a server error


@pytest.mark.parametrize("url", JSON_ENDPOINTS)
def test_json_endpoints_refuse_get(url):
    client = logged_in_client(make_user())
    assert client.get(url).status_code == 405


def credential_of(value):
    """A credential shaped like the browser's, every field holding `value`."""
    fields = ("clientDataJSON", "attestationObject", "authenticatorData", "signature")
    response = dict.fromkeys(fields, value)
    return json.dumps(
        {"credential": {"id": value, "rawId": value, "type": "public-key", "response": response}}
    )


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        '"a string"',
        b"\xff\xfe",
        json.dumps({"credential": "garbage"}),
        json.dumps({"credential": {"id": "x"}}),
        credential_of("!!**@@"),  # not base64url
        credential_of("AAAA"),  # base64url, but of nothing that parses
        json.dumps({"name": ["a list"], "credential": None, "remember": "yes"}),
    ],
    ids=[
        "text",
        "list",
        "string",
        "not-utf8",
        "string-credential",
        "missing-fields",
        "garbage-base64",
        "garbage-bytes",
        "wrong-types",
    ],
)
def test_malformed_answers_are_refused_with_a_message(body, halfway):
    user, _ = with_passkey()
    with_two_factor(user)
    for url, options_url, client in [
        (REGISTER, REGISTER_OPTIONS, logged_in_client(make_user())),
        (LOGIN, LOGIN_OPTIONS, Client()),
        (STEP, STEP_OPTIONS, halfway(user)),
    ]:
        post_json(client, options_url)
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, (url, response.content)
        assert error(response)
        assert signed_in_as(client) is None or url == REGISTER
    assert Passkey.objects.count() == 1


# The Settings section


def test_the_section_lists_the_members_passkeys_with_their_dates(django_assert_num_queries):
    user, authenticator = with_passkey(name="Laptop")
    with_passkey(user, name="Phone")
    with_passkey(name="Not mine")
    sign_in(authenticator)
    client = logged_in_client(user)
    client.get(PAGE)  # the session's first activity is written
    # The passkeys; the session and the user too unless Redis keeps them.
    expected = 1 + (not settings.SESSION_CACHE_SECONDS) + (not settings.USER_CACHE_SECONDS)
    with django_assert_num_queries(expected):
        page = client.get(PAGE)
    assert page.status_code == 200
    assert "Laptop" in page.text
    assert "Phone" in page.text
    assert "Not mine" not in page.text
    assert "Never" in page.text  # the phone was not used yet
    assert page.text.count("<time datetime=") == 3  # two added, one last used
    assert 'aria-current="page">Passkeys</a>' in page.text
    # Adding needs JavaScript: hidden until passkeys.js shows it, with a note otherwise.
    assert "data-passkey-supported hidden" in page.text
    assert "Adding a passkey needs JavaScript" in page.text


def test_the_section_without_passkeys_says_so():
    page = logged_in_client(make_user()).get(PAGE)
    assert "You have no passkey yet." in page.text


def test_the_settings_navigation_swaps_in_the_panel():
    page = logged_in_client(make_user()).get(PAGE, headers={**HX, "HX-Target": "settings-panel"})
    assert "<title>Passkeys · Board</title>" in page.text
    assert 'id="settings-nav"' in page.text
    assert "js/passkeys.js" in page.text


def test_renaming_a_passkey():
    user, _ = with_passkey(name="Laptop")
    passkey = user.passkeys.get()
    client = logged_in_client(user)
    form = client.get(f"/accounts/passkeys/{passkey.pk}/rename/")
    assert form.status_code == 200
    assert 'value="Laptop"' in form.text
    response = client.post(f"/accounts/passkeys/{passkey.pk}/rename/", {"rename-name": "Work"})
    assert response.status_code == 302
    assert response.url == PAGE
    passkey.refresh_from_db()
    assert passkey.name == "Work"
    assert "The passkey has been renamed." in client.get(PAGE).text


def test_renaming_in_place_with_htmx():
    user, _ = with_passkey(name="Laptop")
    passkey = user.passkeys.get()
    client = logged_in_client(user)
    target = {**HX, "HX-Target": f"passkey-{passkey.pk}"}
    url = f"/accounts/passkeys/{passkey.pk}/rename/"
    form = client.get(url, headers=target)
    assert form.text.lstrip().startswith(f'<div id="passkey-{passkey.pk}">')
    assert "autofocus" in form.text
    blank = client.post(url, {"rename-name": ""}, headers=target)
    assert blank.status_code == 422
    assert "This field is required." in blank.text
    # Cancel puts the line back, with the focus on Rename.
    line = client.get(f"{PAGE}?focus=rename", headers=target)
    assert line.text.lstrip().startswith(f'<div id="passkey-{passkey.pk}"')
    assert "autofocus>Rename" in line.text
    done = client.post(url, {"rename-name": "Work"}, headers=target)
    assert done.status_code == 200
    assert json.loads(done.headers["HX-Location"])["path"] == PAGE


def test_removing_a_passkey_asks_first():
    user, _ = with_passkey(name="Laptop")
    passkey = user.passkeys.get()
    client = logged_in_client(user)
    url = f"/accounts/passkeys/{passkey.pk}/remove/"
    question = client.get(url)
    assert "Remove the passkey “Laptop”? You will no longer be able to sign in with it." in (
        question.text
    )
    assert "autofocus>Cancel" in question.text
    in_place = client.get(url, headers={**HX, "HX-Target": f"passkey-{passkey.pk}"})
    assert in_place.text.lstrip().startswith(f'<div id="passkey-{passkey.pk}">')
    assert Passkey.objects.exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Passkey.objects.exists()
    assert "The passkey “Laptop” has been removed." in client.get(PAGE).text


def test_removing_a_passkey_needs_the_password_entered_lately():
    user, _ = with_passkey()
    passkey = user.passkeys.get()
    client = logged_in_client(user)
    url = f"/accounts/passkeys/{passkey.pk}/remove/"
    with later(minutes=11):
        prompt = client.post(url)
        assert "Confirm your password" in prompt.text
        assert Passkey.objects.exists()
        assert client.post(url, {"sudo-password": PASSWORD}).status_code == 302
    assert not Passkey.objects.exists()


@pytest.mark.parametrize("action", ["rename", "remove"])
def test_someone_elses_passkey_is_not_found(action):
    _, _ = with_passkey()
    passkey = Passkey.objects.get()
    client = logged_in_client(make_user())
    url = f"/accounts/passkeys/{passkey.pk}/{action}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"rename-name": "Mine now"}).status_code == 404
    cancel = client.get(PAGE, headers={**HX, "HX-Target": f"passkey-{passkey.pk}"})
    assert cancel.status_code == 404
    passkey.refresh_from_db()
    assert passkey.name == "Laptop"


@pytest.mark.parametrize("url", [ADD])
def test_the_add_form_refuses_get(url):
    assert logged_in_client(make_user()).get(url).status_code == 405


def test_a_visitor_is_sent_to_log_in_for_the_section():
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# The login page


def test_the_login_page_offers_a_passkey_only_with_javascript():
    page = Client().get("/accounts/login/")
    assert 'data-passkey="login"' in page.text
    assert "Sign in with a passkey" in page.text
    assert "data-passkey-supported" in page.text
    assert 'data-verify-url="/accounts/passkeys/login/"' in page.text
    assert "js/passkeys.js" in page.text


# Notices


@pytest.mark.django_db(transaction=True)
def test_the_member_hears_of_a_passkey_added_and_removed():
    user, _ = with_passkey(make_user(email="ada@example.org"), name="MacBook")
    [added] = wait_for_mail(1)
    assert added.to == ["ada@example.org"]
    assert added.subject == "A passkey was added to your account"
    assert "A passkey named “MacBook” was added to your account." in added.body
    assert "If it was not you" in added.body

    passkey = user.passkeys.get()
    logged_in_client(user).post(f"/accounts/passkeys/{passkey.pk}/remove/")
    removed = wait_for_mail(2)[1]
    assert removed.subject == "A passkey was removed from your account"
    assert "The passkey named “MacBook” was removed from your account." in removed.body


# The second step's button (included by accounts/login_two_factor.html)


def test_the_second_step_offers_a_passkey_to_members_who_have_one():
    from django.template.loader import render_to_string

    user, _ = with_passkey()
    partial = "accounts/partials/passkey_second_step.html"
    html = render_to_string(partial, {"passkey_user": user})
    assert "Use a passkey instead" in html
    assert 'data-verify-url="/accounts/passkeys/second-step/"' in html
    assert "data-passkey-supported" in html
    assert "hidden" in html
    assert "Use a passkey instead" not in render_to_string(partial, {"passkey_user": make_user()})


# The admin


def test_staff_see_members_passkeys_in_the_admin():
    user, _ = with_passkey(name="MacBook")
    passkey = user.passkeys.get()
    client = logged_in_client(make_user(is_staff=True, is_superuser=True))
    listing = client.get("/admin/accounts/passkey/")
    assert listing.status_code == 200
    assert "MacBook" in listing.text
    assert client.get(f"/admin/accounts/passkey/{passkey.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/passkey/add/").status_code == 403
