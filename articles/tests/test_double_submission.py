"""A form sent twice (a double click, a resent POST) publishes one article."""

import uuid

import pytest
from django.test import Client

from accounts.tests.factories import make_user
from articles.forms import NewArticleForm
from articles.models import Article
from articles.tests.factories import make_article
from support.races import RivalCommitsFirst, all_at_once
from support.visitor import Visitor

pytestmark = pytest.mark.django_db


def test_a_double_submission_publishes_one_article():
    user = make_user()
    client = Client()
    client.force_login(user)
    form = client.get("/articles/create/").context["form"]
    key = str(form["submission_key"].value())
    data = {"title": "Once", "content": "C", "submission_key": key}
    first = client.post("/articles/create/", data)
    second = client.post("/articles/create/", data)
    assert Article.objects.count() == 1
    assert first.url == second.url == Article.objects.get().get_absolute_url()


def test_each_new_form_gets_a_new_submission_key():
    client = Client()
    client.force_login(make_user())
    keys = {str(client.get("/articles/create/").context["form"]["submission_key"].value())}
    keys.add(str(client.get("/articles/create/").context["form"]["submission_key"].value()))
    assert len(keys) == 2


# The same submission twice at the same moment


def publish(author, key, title="Once"):
    form = NewArticleForm({"title": title, "content": "C", "submission_key": str(key)})
    assert form.is_valid(), form.errors
    return form.publish(author=author)


def test_the_second_of_two_simultaneous_submissions_gets_the_first_article():
    author, key = make_user(), uuid.uuid4()
    first = {}

    def other_request_publishes():
        first["article"] = Article.objects.create(
            author=author, title="Once", content="C", submission_key=key
        )

    with RivalCommitsFirst(NewArticleForm.publish, other_request_publishes) as rival:
        article = publish(author, key)

    assert rival.done
    assert article == first["article"]
    assert Article.objects.count() == 1


def test_a_submission_key_taken_by_someone_else_still_publishes_without_it():
    key = uuid.uuid4()
    make_article(submission_key=key)  # another author's article holds the key
    author = make_user()

    article = publish(author, key, title="Mine")

    assert article.author == author
    assert article.title == "Mine"
    assert article.submission_key is None
    assert Article.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_sends_of_one_form_publish_one_article(live_server):
    author = make_user()
    visitors = [Visitor() for _ in range(10)]
    for visitor in visitors:
        assert visitor.log_in(live_server.url, author.username).status_code == 302
    url = f"{live_server.url}/articles/create/"
    tokens = [visitor.csrf_token(url) for visitor in visitors]
    data = {"title": "Once", "content": "Sent ten times.", "submission_key": str(uuid.uuid4())}

    responses = all_at_once(
        10, lambda i: visitors[i].post(url, {"csrfmiddlewaretoken": tokens[i], **data})
    )

    assert [response.status_code for response in responses] == [302] * 10
    assert Article.objects.count() == 1
    assert {response.headers["Location"] for response in responses} == {
        Article.objects.get().get_absolute_url()
    }
