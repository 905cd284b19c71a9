"""Times (core/templatetags/times.py): one HTML for every reader, in UTC, that the
browser shows in the reader's time zone."""

from datetime import datetime, timedelta, timezone

import pytest
from django.template import Context, Template

from accounts.tests.factories import later, make_user
from articles.tests.factories import make_article
from support.client import logged_in_client


def render(value, style=None):
    tag = "{% load times %}{% local_time value" + (f' "{style}"' if style else "") + " %}"
    return Template(tag).render(Context({"value": value}))


def test_a_time_is_written_in_utc_and_says_so_for_readers_without_javascript():
    seoul = timezone(timedelta(hours=9))
    moment = datetime(2026, 11, 28, 6, 5, tzinfo=seoul)  # 21:05 the day before, in UTC
    assert render(moment) == (
        '<time datetime="2026-11-27T21:05:00+00:00" data-time="relative">'
        "Nov. 27, 2026, 9:05 p.m. UTC</time>"
    )
    assert 'data-time="datetime"' in render(moment, "datetime")


def test_a_time_that_never_happened_is_a_dash():
    assert render(None) == "\u2014"


@pytest.mark.django_db
def test_an_article_is_marked_edited_only_when_changed_after_publishing():
    author = make_user()
    article = make_article(author=author, title="Fresh")
    client = logged_in_client(author)
    url = article.get_absolute_url()
    assert "edited" not in client.get(url).text
    data = {"title": "Fixed a typo at once", "content": "Same."}
    client.post(f"/articles/{article.pk}/update/", data)  # within the minute
    assert "edited" not in client.get(url).text
    with later(minutes=5):
        client.post(f"/articles/{article.pk}/update/", {**data, "title": "Rewritten"})
    page = client.get(url).text
    assert "· edited <time" in page
    assert "edited" in client.get("/articles/").text


@pytest.mark.django_db
def test_the_time_zone_is_chosen_in_the_profile_and_carried_by_the_navbar():
    user = make_user()
    client = logged_in_client(user)
    form = client.get("/accounts/update/").text
    assert '<select name="time_zone" class="form-select"' in form  # Bootstrap's select
    assert '<option value="" selected>Automatic (this browser&#x27;s time zone)</option>' in form
    assert '<option value="Asia/Seoul">Asia/Seoul</option>' in form
    data = {"first_name": "", "last_name": "", "time_zone": "Asia/Seoul"}
    assert client.post("/accounts/update/", data).status_code == 302
    user.refresh_from_db()
    assert user.time_zone == "Asia/Seoul"
    assert 'data-time-zone="Asia/Seoul"' in client.get("/articles/").text


@pytest.mark.django_db
def test_an_unknown_time_zone_is_refused():
    user = make_user()
    response = logged_in_client(user).post("/accounts/update/", {"time_zone": "Mars/Olympus"})
    assert response.status_code == 422
    assert "time_zone" in response.context["form"].errors
    user.refresh_from_db()
    assert user.time_zone == ""
