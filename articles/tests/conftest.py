"""Fixtures of the articles tests (the ones every app's tests use are in the root
conftest.py; plain helpers in support/ and articles/tests/factories.py)."""

import pytest

from articles.tests.factories import make_article
from support.client import logged_in_client


@pytest.fixture
def authored():
    """`article, client = authored(title="...")`: a new article (make_article(**fields))
    and a client signed in as its author (without the login form)."""

    def make(**fields):
        article = make_article(**fields)
        return article, logged_in_client(article.author)

    return make
