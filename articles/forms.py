from django import forms

from articles.models import Article


class ArticleForm(forms.ModelForm):
    """Title and content only: the author is always the logged-in user, never posted."""

    class Meta:
        model = Article
        fields = ("title", "content")
        widgets = {"content": forms.Textarea(attrs={"rows": 12})}
