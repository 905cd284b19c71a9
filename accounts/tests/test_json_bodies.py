"""Odd request bodies against a running server. The passkey endpoints read JSON, and
every field of it is checked before anything uses it (accounts/mfa/json_bodies.py): a wrong
type or size is a 400 that names the field. The two-factor and passkey forms read form
data. Nothing sent to them may get a server error.

The valid answers come from a software authenticator with a real key
(webauthn_authenticator.py), so that a body changed in one field gets past the early
refusals (no challenge, not signed in) to the checks and the verification behind them.
"""

import copy
import functools
import json
from types import SimpleNamespace
from urllib.parse import quote_from_bytes, urlencode

import hypothesis
import pyotp
import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import strategies as st

from accounts.mfa import recovery
from accounts.models import Passkey, TOTPDevice
from accounts.tests.factories import make_user
from accounts.tests.webauthn_authenticator import Authenticator, b64url
from support.visitor import Visitor

pytestmark = pytest.mark.django_db(transaction=True)

REGISTER_OPTIONS = "/accounts/passkeys/register/options/"
REGISTER = "/accounts/passkeys/register/"
LOGIN_OPTIONS = "/accounts/passkeys/login/options/"
LOGIN = "/accounts/passkeys/login/"
STEP_OPTIONS = "/accounts/passkeys/second-step/options/"
STEP = "/accounts/passkeys/second-step/"
JSON_ENDPOINTS = [REGISTER_OPTIONS, REGISTER, LOGIN_OPTIONS, LOGIN, STEP_OPTIONS, STEP]

SECOND_STEP = "/accounts/login/two-factor/"
TWO_FACTOR_SETUP = "/accounts/two-factor/setup/"
RECOVERY_CODES_DOWNLOAD = "/accounts/two-factor/recovery-codes/download/"
PASSKEY_ADD = "/accounts/passkeys/add/"
PASSKEY_RENAME = "rename"  # the URL has the passkey's pk: Browsers.ready_form()
FORMS = [SECOND_STEP, TWO_FACTOR_SETUP, RECOVERY_CODES_DOWNLOAD, PASSKEY_ADD, PASSKEY_RENAME]

NOT_UNDERSTOOD = "The request was not understood. Reload the page and try again."
NOT_VERIFIED = "The new passkey could not be verified. Please try again."


def wrong_field(path):
    return (
        f"The request was not understood: “{path}” is missing or not valid. Reload the "
        "page and try again."
    )


@pytest.fixture
def site(live_server, settings):
    # Hundreds of wrong codes from one browser: the lockout and the rate limit would
    # otherwise answer in the form's place.
    # (And the account's count of wrong codes: accounts.guesses; each answer is sent on
    # a sign-in of its own, which ends after a few wrong ones.)
    settings.AXES_FAILURE_LIMIT = 100_000
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login-ip": (100_000, 15 * 60)}
    settings.GUESS_LIMITS = {**settings.GUESS_LIMITS, "second-factor": (100_000, 24 * 60 * 60)}
    return live_server.url


def post_json(visitor, url, body, content_type="application/json"):
    """POST `body` as passkeys.js does: a value as JSON, or bytes as they are."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"X-CSRFToken": visitor.http.cookies["csrftoken"]}
    if content_type:
        headers["Content-Type"] = content_type
    return visitor.http.post(
        url, data=data, headers=headers, allow_redirects=False, timeout=visitor.timeout
    )


def post_form(visitor, url, body, headers=None):
    """POST form data encoded already (so that it may be anything), with the form token."""
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": visitor.http.cookies["csrftoken"],
        **(headers or {}),
    }
    return visitor.http.post(
        url, data=body, headers=headers, allow_redirects=False, timeout=visitor.timeout
    )


def json_answer(response):
    """The answer of a JSON endpoint: never a server error, and a refusal says why."""
    assert response.status_code < 500, (response.status_code, response.text[:500])
    assert response.headers["Content-Type"] == "application/json", response.text[:500]
    if response.status_code >= 400:
        error = response.json().get("error")
        assert isinstance(error, str), response.text
        assert error.strip(), response.text
    return response


def answered(response):
    """A JSON endpoint's answer: its status and its error (or the start of its page)."""
    if response.headers.get("Content-Type") == "application/json":
        return response.status_code, response.json().get("error")
    return response.status_code, response.text[:100]


def changed(body, path, value):
    """A copy of `body` whose field at `path` (keys and list indexes) holds `value`, or is
    left out when `value` is MISSING."""
    body = copy.deepcopy(body)
    *parents, last = path
    inner = body
    for key in parents:
        inner = inner[key]
    if value is MISSING:
        del inner[last]
    else:
        inner[last] = value
    return body


MISSING = object()


def field_name(path):
    """A field's name as a refusal says it: credential.response.transports[0]."""
    return "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in path)[1:]


def describe(value):
    return "missing" if value is MISSING else repr(value)[:40]


class Browsers:
    """Browsers on the live server `site`, each in the state an endpoint answers in."""

    def __init__(self, site):
        self.site = site
        self.visitors = []

    def new_visitor(self):
        self.visitors.append(Visitor())
        return self.visitors[-1]

    def close(self):
        # The server's thread for a kept-alive connection holds its database connection
        # until the browser hangs up.
        for visitor in self.visitors:
            visitor.http.close()

    def signed_in(self, user=None):
        """A browser where a member just signed in with their password (so in sudo mode)."""
        user = user or make_user()
        visitor = self.new_visitor()
        assert visitor.log_in(self.site, user.username).status_code == 302
        return visitor

    @functools.cached_property
    def member(self):
        """A member without a passkey or two-factor sign-in, in sudo mode."""
        return self.signed_in()

    @functools.cached_property
    def holder(self):
        """A member with a passkey (added over HTTP), two-factor sign-in and recovery
        codes: the user, their browser (signed in), the authenticator with the passkey
        and the codes."""
        user, authenticator = make_user(), Authenticator()
        browser = self.signed_in(user)
        response = post_json(browser, self.url(REGISTER), self.registration(browser, authenticator))
        assert response.status_code == 200, response.text
        TOTPDevice.objects.create(user=user, secret=pyotp.random_base32())
        codes = recovery.new_recovery_codes(user)
        return SimpleNamespace(user=user, browser=browser, authenticator=authenticator, codes=codes)

    def url(self, path):
        return f"{self.site}{path}"

    @functools.cached_property
    def stranger(self):
        """A browser without an account here (signed in once a passkey answer passes)."""
        visitor = self.new_visitor()
        visitor.csrf_token(self.url("/accounts/login/"))  # the form token's cookie
        return visitor

    @functools.cached_property
    def halfway(self):
        """A browser of the holder whose password step is done, the second step waiting
        (until an answer passes: Browsers.ready() then starts again)."""
        visitor = self.new_visitor()
        response = visitor.log_in(self.site, self.holder.user.username)
        assert response.headers["Location"] == SECOND_STEP
        return visitor

    @functools.cached_property
    def setting_up(self):
        """The member's browser, with the setup of an authenticator app under way."""
        response = post_form(self.member, self.url(TWO_FACTOR_SETUP), b"")
        assert "qr-code" in response.text
        return self.member

    def registration(self, visitor, authenticator=None):
        """A fresh registration challenge, and the answer passkeys.js would send to it."""
        options = json_answer(post_json(visitor, self.url(REGISTER_OPTIONS), {})).json()
        credential = (authenticator or Authenticator()).create(options, origin=self.site)
        return {"name": "Laptop", "credential": credential}

    def assertion(self, options):
        """The holder's answer to a sign-in challenge, as passkeys.js would send it."""
        credential = self.holder.authenticator.get(options, origin=self.site)
        return {"credential": credential, "remember": False}

    def ready(self, path):
        """A browser ready to POST to the JSON endpoint `path`, and the body passkeys.js
        would send (for the answers, to a challenge just given)."""
        if path == REGISTER_OPTIONS:
            return self.member, {}
        if path == REGISTER:
            return self.member, self.registration(self.member)
        if path == LOGIN_OPTIONS:
            return self.stranger, {}
        if path == LOGIN:
            options = post_json(self.stranger, self.url(LOGIN_OPTIONS), {})
            return self.stranger, self.assertion(json_answer(options).json())
        if path == STEP_OPTIONS:
            return self.halfway, {}
        options = post_json(self.halfway, self.url(STEP_OPTIONS), {})
        if options.status_code == 403:  # the last answer finished the sign-in
            del self.halfway
            options = post_json(self.halfway, self.url(STEP_OPTIONS), {})
        return self.halfway, self.assertion(json_answer(options).json())

    def ready_form(self, form):
        """A browser that may send `form`, and the form's URL."""
        if form == SECOND_STEP:  # a sign-in of its own: a few wrong answers end one
            self.__dict__.pop("halfway", None)
            return self.halfway, self.url(SECOND_STEP)
        if form == TWO_FACTOR_SETUP:
            return self.setting_up, self.url(TWO_FACTOR_SETUP)
        if form == PASSKEY_ADD:
            return self.member, self.url(PASSKEY_ADD)
        if form == RECOVERY_CODES_DOWNLOAD:
            return self.holder.browser, self.url(RECOVERY_CODES_DOWNLOAD)
        passkey = self.holder.user.passkeys.get()
        return self.holder.browser, self.url(f"/accounts/passkeys/{passkey.pk}/rename/")


@pytest.fixture
def browsers(site):
    browsers = Browsers(site)
    yield browsers
    browsers.close()


# The two bodies of the security issue: a TypeError (a 500) before the checks


def test_transports_that_are_a_number_are_refused_with_a_message(browsers):
    visitor, body = browsers.ready(REGISTER)
    body = changed(body, ("credential", "response", "transports"), 5)
    response = post_json(visitor, browsers.url(REGISTER), body)
    assert answered(response) == (400, wrong_field("credential.response.transports"))
    assert not Passkey.objects.exists()


def test_transports_holding_a_list_are_refused_with_a_message(browsers):
    visitor, body = browsers.ready(REGISTER)
    body = changed(body, ("credential", "response", "transports"), [[1]])
    response = post_json(visitor, browsers.url(REGISTER), body)
    assert answered(response) == (400, wrong_field("credential.response.transports[0]"))
    assert not Passkey.objects.exists()


# Each field of each body: its type, its size, its characters

LONG_ID = "A" * 1365  # 1024 bytes: one more than a credential id may have
SURROGATE = "\ud800"  # valid in JSON ("\\ud800"), but no UTF-8 text: no database takes it
WRONG_REGISTRATIONS = [
    (("name",), 5),
    (("name",), None),
    (("name",), f"Laptop{SURROGATE}"),
    (("credential",), "a string"),
    (("credential", "id"), 5),
    (("credential", "id"), LONG_ID),
    (("credential", "id"), "AA\x00AA"),
    (("credential", "rawId"), MISSING),
    (("credential", "rawId"), ["AAAA"]),
    (("credential", "type"), "password"),
    (("credential", "type"), True),
    (("credential", "authenticatorAttachment"), 1),
    (("credential", "clientExtensionResults"), []),
    (("credential", "response"), None),
    (("credential", "response", "clientDataJSON"), {"type": "webauthn.create"}),
    (("credential", "response", "clientDataJSON"), "not base64url!"),
    (("credential", "response", "attestationObject"), 1.5),
    (("credential", "response", "attestationObject"), "A" * 100_000),
    (("credential", "response", "transports"), "internal"),
    (("credential", "response", "transports"), ["usb"] * 100),
    (("credential", "response", "transports", 0), "x" * 1000),
    (("credential", "response", "transports", 1), None),
]
WRONG_ASSERTIONS = [
    (("credential",), MISSING),
    (("credential",), [1, 2]),
    (("credential", "id"), {"id": "AAAA"}),
    (("credential", "id"), SURROGATE),
    (("credential", "id"), "AA\x00AA"),
    (("credential", "id"), LONG_ID),
    (("credential", "rawId"), None),
    (("credential", "type"), "public-key "),
    (("credential", "authenticatorAttachment"), ["platform"]),
    (("credential", "clientExtensionResults"), "none"),
    (("credential", "response"), "AAAA"),
    (("credential", "response", "clientDataJSON"), MISSING),
    (("credential", "response", "authenticatorData"), False),
    (("credential", "response", "signature"), 12345),
    (("credential", "response", "signature"), "A" * 5000),
    (("credential", "response", "userHandle"), 7),
    (("credential", "response", "userHandle"), "A" * 87),  # 64 bytes at most
    (("remember",), "yes"),
]


def answers_to_wrong_fields(browsers, path, cases):
    """What `path` answers to a valid body with each (field, value) of `cases` in it."""
    answers = []
    for field, value in cases:
        visitor, body = browsers.ready(path)
        response = post_json(visitor, browsers.url(path), changed(body, field, value))
        answers.append((field_name(field), describe(value), *answered(response)))
    return answers


def refused_by_name(answers):
    """The answers expected: each a 400 naming its field."""
    return [(field, value, 400, wrong_field(field)) for field, value, *_ in answers]


def test_each_field_of_a_registration_is_checked(browsers):
    answers = answers_to_wrong_fields(browsers, REGISTER, WRONG_REGISTRATIONS)
    assert answers == refused_by_name(answers)
    assert not Passkey.objects.exists()


def test_each_field_of_a_passkey_sign_in_is_checked(browsers):
    answers = answers_to_wrong_fields(browsers, LOGIN, WRONG_ASSERTIONS)
    assert answers == refused_by_name(answers)
    assert not browsers.stranger.is_logged_in(browsers.site)


def test_the_second_step_checks_the_same_fields(browsers):
    answers = answers_to_wrong_fields(browsers, STEP, WRONG_ASSERTIONS[::3])
    assert answers == refused_by_name(answers)
    assert not browsers.halfway.is_logged_in(browsers.site)


def test_unknown_keys_and_transports_are_ignored(browsers):
    visitor, body = browsers.ready(REGISTER)
    body["credential"]["response"]["transports"] = ["internal", "teleport"]
    body["credential"]["somethingNew"] = {"a": [1]}
    body["favourite"] = None
    assert answered(post_json(visitor, browsers.url(REGISTER), body)) == (200, None)
    assert Passkey.objects.get().transports == ["internal"]


def test_a_null_for_each_optional_field_is_taken(browsers):
    visitor, body = browsers.ready(REGISTER)
    for field in ("authenticatorAttachment", "clientExtensionResults"):
        body["credential"][field] = None
    body["credential"]["response"]["transports"] = None
    assert answered(post_json(visitor, browsers.url(REGISTER), body)) == (200, None)
    assert Passkey.objects.get().transports == []

    visitor, body = browsers.ready(LOGIN)
    body["remember"] = None
    body["credential"]["response"]["userHandle"] = None
    assert answered(post_json(visitor, browsers.url(LOGIN), body)) == (200, None)
    assert visitor.is_logged_in(browsers.site)


def test_a_registration_whose_authenticator_names_another_credential_is_refused(browsers):
    """The browser names the credential (rawId); the signed authenticator data names it
    too. They must agree, which also bounds the id stored (1023 bytes at most)."""
    visitor = browsers.member
    for length in (32, 1024, 2000):  # another id; one byte too many; more than the column
        authenticator = Authenticator()
        authenticator.credential_id = bytes([length % 256]) * length
        body = browsers.registration(visitor, authenticator)
        body["credential"]["id"] = body["credential"]["rawId"] = b64url(b"\x01" * 32)
        response = post_json(visitor, browsers.url(REGISTER), body)
        assert answered(response) == (400, NOT_VERIFIED), length
    assert not Passkey.objects.exists()


# Bodies that are not a JSON object, on every JSON endpoint

MULTIPART = b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n{}\r\n--b--\r\n'
NOT_JSON = {
    "text-plain": ("text/plain", b"{}"),
    "form": ("application/x-www-form-urlencoded", b"name=Laptop"),
    "multipart": ("multipart/form-data; boundary=b", MULTIPART),
    "no-type": (None, b"{}"),
    "not-utf8": ("application/json", b'{"name": "\xff\xfe"}'),
    "utf16": ("application/json", "{}".encode("utf-16")),
    "not-json": ("application/json", b"{'name': 1}"),
    "nan-only": ("application/json", b"NaN"),
    "list": ("application/json", b"[{}]"),
    "nested-deep": ("application/json", b"[" * 100_000 + b"]" * 100_000),
    "objects-deep": ("application/json", b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
    "huge-number": ("application/json", b'{"remember": ' + b"9" * 5000 + b"}"),
    # More than Django reads into memory (DATA_UPLOAD_MAX_MEMORY_SIZE).
    "too-big": ("application/json", b'{"name": "' + b"A" * 2_700_000 + b'"}'),
}


def test_a_body_that_is_not_a_json_object_is_refused_by_every_json_endpoint(browsers):
    answers = []
    for kind, (content_type, body) in NOT_JSON.items():
        for path in JSON_ENDPOINTS:
            visitor, _ = browsers.ready(path)
            response = post_json(visitor, browsers.url(path), body, content_type=content_type)
            answers.append((kind, path, *answered(response)))
    assert answers == [(kind, path, 400, NOT_UNDERSTOOD) for kind, path, *_ in answers]


# Odd forms: the two-factor codes, the recovery codes sent back, passkey names

ODD_VALUES = {
    "repeated": [b"123456", b"654321"],
    "long": [b"1" * 100_000],
    "other-digits": ["١٢٣٤٥٦".encode()],  # digits to str.isdigit(), not to a TOTP app
    "nul": [b"12\x003456"],
    "control": [b"\x1b[31m\r\n\t"],
    "not-utf8": [b"\xff\xfe\xc0"],
}
# What the code forms say about each.
CODE_ERRORS = dict.fromkeys(ODD_VALUES, "That code is not right")
CODE_ERRORS.update(long="Ensure this value has at most", nul="Null characters are not allowed.")
NOT_YOUR_CODES = "These are not your recovery codes, or they were replaced."


def form_body(field, values):
    """`field` sent once per value, the values URL-encoded as bytes (non-UTF-8 too)."""
    return b"&".join(field.encode() + b"=" + quote_from_bytes(v).encode() for v in values)


def test_odd_codes_get_the_forms_answer(browsers):
    answers = []
    for form in (SECOND_STEP, TWO_FACTOR_SETUP, RECOVERY_CODES_DOWNLOAD):
        for kind, values in ODD_VALUES.items():
            visitor, url = browsers.ready_form(form)
            response = post_form(visitor, url, form_body("code", values))
            if form == RECOVERY_CODES_DOWNLOAD:
                answers.append((form, kind, response.status_code, response.text))
            else:
                says = CODE_ERRORS[kind] if CODE_ERRORS[kind] in response.text else None
                answers.append((form, kind, response.status_code, says))
    assert answers == [
        (form, kind, 400, NOT_YOUR_CODES)
        if form == RECOVERY_CODES_DOWNLOAD
        else (form, kind, 422, CODE_ERRORS[kind])
        for form, kind, *_ in answers
    ]


def test_odd_passkey_names_are_refused_or_taken(browsers):
    answers = []
    for form in (PASSKEY_ADD, PASSKEY_RENAME):
        for kind, values in ODD_VALUES.items():
            visitor, url = browsers.ready_form(form)
            field = "name" if form == PASSKEY_ADD else "rename-name"
            answers.append(
                (form, kind, post_form(visitor, url, form_body(field, values)).status_code)
            )
    # Too long, or with a NUL: refused. Anything else is a name as good as any (the last
    # one sent, undecodable bytes replaced): ready to make the passkey, or renamed.
    assert answers == [
        (form, kind, 422 if kind in ("long", "nul") else 200 if form == PASSKEY_ADD else 302)
        for form, kind, _ in answers
    ]


def test_a_thousand_codes_to_download_are_refused(browsers):
    visitor, url = browsers.ready_form(RECOVERY_CODES_DOWNLOAD)
    codes = [code.encode() for code in browsers.holder.codes]
    # More fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS): its own 400.
    assert post_form(visitor, url, form_body("code", codes * 101)).status_code == 400


def test_the_own_codes_among_odd_ones_are_downloaded(browsers):
    visitor, url = browsers.ready_form(RECOVERY_CODES_DOWNLOAD)
    code = browsers.holder.codes[0]
    odd = [value for values in ODD_VALUES.values() for value in values]
    response = post_form(visitor, url, form_body("code", [*odd, code.encode()]))
    assert response.status_code == 200
    assert response.text.splitlines()[2:] == [code]


# Fuzzing: hundreds of odd bodies, never a server error

FUZZING = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture],
}
# Text of every kind: control characters, lone surrogates (JSON can carry them), long.
ODD_TEXT = (
    st.text(st.characters(exclude_categories=()), max_size=12)
    | st.sampled_from(["", "AAAA", "public-key", "internal", "\x00", "A\udfffA", "null"])
    | st.text("AB_-=", min_size=1300, max_size=1500)
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ODD_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ODD_TEXT, inner, max_size=4),
    max_leaves=8,
)
CONTENT_TYPES = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/plain", "", "text/json"]
)


@pytest.mark.slow
@hypothesis.settings(max_examples=72, **FUZZING)
@example(path=LOGIN, body=b"[" * 50_000, content_type="application/json")
@example(path=STEP_OPTIONS, body={"a": 1}, content_type="text/plain")
@given(
    path=st.sampled_from(JSON_ENDPOINTS),
    body=JSON_VALUES | st.binary(max_size=40),
    content_type=CONTENT_TYPES,
)
def test_no_body_gets_a_server_error(browsers, path, body, content_type):
    visitor, _ = browsers.ready(path)
    json_answer(post_json(visitor, browsers.url(path), body, content_type=content_type))


CREDENTIAL_FIELDS = [
    ("credential",),
    ("credential", "id"),
    ("credential", "rawId"),
    ("credential", "type"),
    ("credential", "authenticatorAttachment"),
    ("credential", "clientExtensionResults"),
    ("credential", "response"),
    ("credential", "response", "clientDataJSON"),
]
REGISTRATION_FIELDS = [
    ("name",),
    *CREDENTIAL_FIELDS,
    ("credential", "response", "attestationObject"),
    ("credential", "response", "transports"),
    ("credential", "response", "transports", 0),
]
ASSERTION_FIELDS = [
    *CREDENTIAL_FIELDS,
    ("credential", "response", "authenticatorData"),
    ("credential", "response", "signature"),
    ("credential", "response", "userHandle"),
    ("remember",),
]
# An answer endpoint and a field of its body.
TARGETS = st.sampled_from(
    [(REGISTER, field) for field in REGISTRATION_FIELDS]
    + [(path, field) for path in (LOGIN, STEP) for field in ASSERTION_FIELDS]
)
# Now and then the field is left out.
FIELD_VALUES = st.integers(0, 9).flatmap(lambda n: st.just(MISSING) if n == 0 else JSON_VALUES)


@pytest.mark.slow
@hypothesis.settings(max_examples=120, **FUZZING)
# The security issue's two bodies, and what else once gave a 500, are always tried.
@example(target=(REGISTER, ("credential", "response", "transports")), value=5)
@example(target=(REGISTER, ("credential", "response", "transports", 0)), value=[1])
@example(target=(REGISTER, ("name",)), value="\udfff")
@example(target=(LOGIN, ("credential", "id")), value="\ud800")
@example(target=(STEP, ("credential", "id")), value="AA\x00")
@given(target=TARGETS, value=FIELD_VALUES)
def test_no_answer_changed_in_one_field_gets_a_server_error(browsers, target, value):
    path, field = target
    visitor, body = browsers.ready(path)
    json_answer(post_json(visitor, browsers.url(path), changed(body, field, value)))


FORM_KEYS = st.sampled_from(["code", "name", "rename-name", "next", "sudo-password"]) | ODD_TEXT
FORM_VALUES = ODD_TEXT | st.text(min_size=60, max_size=200)
FORM_BODIES = (
    st.lists(st.tuples(FORM_KEYS, FORM_VALUES), max_size=6).map(
        lambda pairs: urlencode(pairs, errors="surrogatepass").encode()
    )
    | st.binary(max_size=40).map(lambda raw: b"code=" + raw)
    | st.binary(max_size=40)
)


@pytest.mark.slow
@hypothesis.settings(max_examples=50, **FUZZING)
@example(form=SECOND_STEP, body=b"code=%00&code=\xff\xfe", htmx=False)
@given(form=st.sampled_from(FORMS), body=FORM_BODIES, htmx=st.booleans())
def test_no_form_gets_a_server_error(browsers, form, body, htmx):
    visitor, url = browsers.ready_form(form)
    response = post_form(visitor, url, body, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code < 500, (response.status_code, response.text[:500])
