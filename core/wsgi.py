import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")

application = get_wsgi_application()


def warm_up():
    """Do once, before gunicorn forks its workers (preload_app), what each worker would
    otherwise do at its first request, and again every time it is replaced
    (max_requests): import every URLconf and view, compile every template, and load the
    translations. Nothing here opens a connection: each worker opens its own database
    and Redis connections, which must not be shared across a fork."""
    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils.translation import trans_real

    get_resolver().url_patterns  # noqa: B018 (imports the URLconfs and their views)
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*.html")):
            get_template(path.relative_to(folder).as_posix())
    for code, _name in settings.LANGUAGES:
        trans_real.translation(code)


warm_up()
