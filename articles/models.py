from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Saved again within this time of publishing is not shown as an edit.
EDIT_GRACE = timedelta(minutes=1)


class Article(models.Model):
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="articles",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # A one-time key carried by the "write" form, so that a double submission (a double
    # click, a resent POST) publishes one article, not two.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        # The id breaks ties between articles written in the same instant.
        ordering = ["-created_at", "-id"]
        # The list's order, so that any page of it is read from the index in order
        # (page 5,000 walks 100,000 index entries instead of sorting the table).
        indexes = [models.Index(fields=["-created_at", "-id"], name="article_newest_first")]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.pk])

    @property
    def was_edited(self):
        """Whether it was changed after it was published (shown as "edited")."""
        return self.updated_at - self.created_at > EDIT_GRACE
