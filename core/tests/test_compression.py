"""Pages travel compressed, and no two compressed responses are alike (BREACH)."""

import gzip

import pytest
from django.test import Client

from articles.tests.factories import make_article

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, br"}


def test_a_page_is_compressed_for_a_browser_that_accepts_it():
    make_article(title="Squeezed")
    plain = Client().get("/articles/")
    compressed = Client().get("/articles/", headers=GZIP)
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    html = gzip.decompress(compressed.content).decode()
    assert "Squeezed" in html
    assert len(compressed.content) < len(plain.content) / 2
    assert "Content-Encoding" not in plain


def test_compressed_forms_differ_in_length_from_response_to_response():
    # Random padding and a token masked anew: the length says nothing about a secret.
    lengths = {len(Client().get("/accounts/login/", headers=GZIP).content) for _ in range(10)}
    assert len(lengths) > 1
