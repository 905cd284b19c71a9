import itertools

from accounts.tests.factories import make_user
from articles.models import Article

_numbers = itertools.count(1)


def make_article(author=None, **fields):
    number = next(_numbers)
    fields.setdefault("title", f"Article {number}")
    fields.setdefault("content", f"Content of article {number}.")
    return Article.objects.create(author=author or make_user(), **fields)
