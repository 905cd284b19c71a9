"""The plain app's models, mapped onto our tables (accounts_user, articles_article), so
that both apps serve the same rows. `managed = False`: this app never creates, changes or
drops a table; our migrations own them. The many-to-many tables of a user's groups and
permissions are named after db_table (accounts_user_groups,
accounts_user_user_permissions), which are our user's tables.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse


class User(AbstractUser):
    class Meta:
        db_table = "accounts_user"
        managed = False


class Article(models.Model):
    title = models.CharField(max_length=200)
    content = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # NOT NULL in the table

    class Meta:
        db_table = "articles_article"
        managed = False
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("article_detail", args=[self.pk])
