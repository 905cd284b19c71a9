"""Django's test client, signed in: through the login form, or directly.

- `log_in(client, user)`: send the login form once, as a person would; returns the
  answer, whatever it is (a test of the login itself checks it).
- `signed_in_client(user)`: a new client that the login form signed in (checked).
- `logged_in_client(user)`: a new client signed in without the form (force_login), for
  tests about something else than signing in; it counts as a fresh login (sudo mode).

The browser tests have their own, through the page: e2e/pages.py.
"""

from django.test import Client

from accounts.tests.factories import PASSWORD, make_user

# The header htmx sends with each of its requests.
HX = {"HX-Request": "true"}
LOGIN = "/accounts/login/"


def log_in(client, user, password=PASSWORD, *, remember=False, **fields):
    """Send the login form as `client` and return the response.

    `user` is a user, or what is typed as the username (a username or an email
    address); `password` is make_user's unless given. `remember` ticks "Remember me";
    other form fields (`next="/articles/create/"`) are sent as given.
    """
    username = user if isinstance(user, str) else user.username
    data = {"username": username, "password": password, **fields}
    if remember:
        data["remember_me"] = "on"
    return client.post(LOGIN, data)


def signed_in_client(user=None, *, remember=False, **client_kwargs):
    """A new test client (Client(**client_kwargs): headers, REMOTE_ADDR...) signed in as
    `user` (else a new member) through the login form, which must have let it in (no
    second step)."""
    client = Client(**client_kwargs)
    user = user or make_user()
    response = log_in(client, user, remember=remember)
    assert response.status_code == 302, response.content
    assert response.url != "/accounts/login/two-factor/", "asked for a second step"
    return client


def logged_in_client(user, **client_kwargs):
    """A test client signed in as `user` (without going through the login form)."""
    client = Client(**client_kwargs)
    client.force_login(user)
    return client
