"""Anonymous visitors' cached pages (core/pagecache.py) show articles and their authors'
names: retire them when either changes."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.models import Article
from core import pagecache


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def article_changed(sender, **kwargs):
    pagecache.content_changed()


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def user_saved(sender, created, update_fields=None, **kwargs):
    # A new user has written nothing yet, and a login only records its time.
    if created or (update_fields and set(update_fields) <= {"last_login"}):
        return
    pagecache.content_changed()


@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
def user_deleted(sender, **kwargs):
    pagecache.content_changed()
