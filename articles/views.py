from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from articles.forms import ArticleForm, NewArticleForm
from articles.models import Article
from core import drafts, pagecache
from core.decorators import login_next
from core.htmx import (
    Question,
    ask_first,
    current_page,
    focus_on,
    redirect_to,
    render_out_of_band,
    render_page,
    wants_fragment,
)
from core.pagecache import cached_page
from core.redirects import same_site_path
from core.submissions import submitted


def get_own_article(request, pk):
    """The article `pk` if the current user wrote it: 404 if it does not exist, else 403."""
    article = get_object_or_404(Article, pk=pk)
    if article.author_id != request.user.pk:
        raise PermissionDenied
    return article


def restore_draft(request, form):
    """Pre-fill an unsubmitted form with the user's kept draft, and say so."""
    draft = None if form.is_bound else drafts.load(request)
    if draft:
        form.initial.update(draft)
        messages.info(request, _("Your unsaved draft has been restored."))


@login_not_required
@require_GET
@cached_page(paged=True)
def index(request):
    # Mostly served from the cache (cached_page): rendered when a change retired the copy,
    # or for a member who wrote one of the page's articles (their delete buttons).
    ids = Article.objects.values_list("pk", flat=True)
    paginator = Paginator(ids, settings.ARTICLES_PER_PAGE)
    paginator.count = pagecache.cached_count("articles", ids.count)
    page = paginator.get_page(request.GET.get("page"))
    pagecache.page_shown(request, page.number)  # ?page=99 shows the last: not kept as 99
    # The page's ids are read from the list's index alone (Article.Meta.indexes), then
    # only those rows with their authors, in one query: a late page skips 100,000 index
    # entries instead of reading and joining 100,000 rows.
    page.object_list = list(
        Article.objects.filter(pk__in=page.object_list)
        .select_related("author")
        .only(
            "title",
            "created_at",
            "updated_at",
            "author__username",
            "author__first_name",
            "author__last_name",
        )
    )
    pagecache.for_members(request, {article.author_id for article in page.object_list})
    return render_page(request, "articles/index.html", {"page": page})


def confirm_delete(request, article):
    """Ask before deleting: a page of its own without JavaScript; with htmx, in place of
    the list row or of the article's buttons that asked, so the reader stays where they
    were. Cancel goes back to where they came from (a same-site `next`, or for htmx the
    page they are on), else to the article; with htmx it puts back what asked."""
    back_url = (
        same_site_path(request.GET.get("next"))
        or current_page(request)
        or article.get_absolute_url()
    )
    question = Question(
        element_id="article-actions",
        text=_("Delete “%(title)s”? This cannot be undone.") % {"title": article.title},
        action=reverse("articles:delete", args=[article.pk]),
        button=_("Delete"),
        button_detail=article.title,
        back_url=back_url,
        restore_url=focus_on(article.get_absolute_url(), "delete"),
        css="mt-4",
    )
    # Asked from a row of the list, the same question takes the row's place and looks like it.
    row_question = replace(
        question,
        element_id=f"article-{article.pk}",
        post_target="closest li",
        tag="li",
        css=ARTICLE_ROW_CSS,
        text_css="mb-0 fw-semibold text-break",
        small=True,
    )
    context = {"article": article, "row_question": row_question}
    fragments = {"article-actions": "confirmation", row_question.element_id: "row-confirmation"}
    return ask_first(request, "articles/delete.html", context, question, fragments=fragments)


# A list row's classes: the row and its confirmation look alike.
ARTICLE_ROW_CSS = (
    "list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2"
)


@login_not_required
@require_GET
@cached_page
def detail(request, pk):
    article = get_object_or_404(Article.objects.select_related("author"), pk=pk)
    pagecache.for_members(request, {article.author_id})  # their edit and delete buttons
    # Cancel in a confirmation (confirm_delete) asks for what it replaced: the list row,
    # or the article's buttons, with the focus back on Delete.
    context = {
        "article": article,
        "focus": request.GET.get("focus"),
        "list_url": current_page(request),
    }
    fragments = {
        f"article-{pk}": "articles/index.html#article-row",
        "article-actions": "article-actions",
    }
    return render_page(request, "articles/detail.html", context, fragments=fragments)


@drafts.keeps_draft("title", "content")
@require_http_methods(["GET", "POST"])
def create(request):
    form = NewArticleForm(submitted(request))
    restore_draft(request, form)
    if form.is_bound and form.is_valid():
        article = form.publish(author=request.user)
        drafts.drop(request)
        messages.success(request, _("Your article has been published."))
        return redirect_to(request, article.get_absolute_url())
    return render_page(request, "articles/form.html", {"form": form}, form="article-form")


@drafts.keeps_draft("title", "content")
@require_http_methods(["GET", "POST"])
def update(request, pk):
    article = get_own_article(request, pk)
    form = ArticleForm(submitted(request), instance=article)
    restore_draft(request, form)
    if form.is_bound and form.is_valid():
        form.save()
        drafts.drop(request)
        messages.success(request, _("Your changes have been saved."))
        return redirect_to(request, article.get_absolute_url())
    context = {"form": form, "article": article}
    return render_page(request, "articles/form.html", context, form="article-form")


@login_next("articles:detail")
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    article = get_own_article(request, pk)
    if request.method == "GET":
        return confirm_delete(request, article)
    article.delete()
    messages.success(request, _("“%(title)s” has been deleted.") % {"title": article.title})
    if wants_fragment(request, target=f"article-{pk}"):
        return render_out_of_band(request)  # the row asked to be removed: it goes
    return redirect_to(request, reverse("articles:index"))
