import uuid

from django import forms
from django.db import IntegrityError, transaction

from articles.models import Article


class ArticleForm(forms.ModelForm):
    """Title and content only: the author is always the logged-in user, never posted."""

    class Meta:
        model = Article
        fields = ("title", "content")
        widgets = {"content": forms.Textarea(attrs={"rows": 12})}


class NewArticleForm(ArticleForm):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def publish(self, author):
        """Save as `author`'s article, once per submission key: a repeat returns the first."""
        key = self.cleaned_data.get("submission_key")
        if key:
            existing = Article.objects.filter(author=author, submission_key=key).first()
            if existing:
                return existing
        self.instance.author = author
        self.instance.submission_key = key
        try:
            with transaction.atomic():
                return self.save()
        except IntegrityError:
            # The same submission arrived twice at once and the other request won.
            existing = Article.objects.filter(author=author, submission_key=key).first()
            if existing:
                return existing
            self.instance.submission_key = None  # someone else's key: publish without one
            return self.save()
