"""The WSGI entry point that gunicorn loads (core/wsgi.py)."""


def test_the_workers_start_with_every_template_compiled_and_the_urls_imported():
    """gunicorn loads the app before forking (preload_app): core.wsgi warms it there,
    so a new worker (one every max_requests) does not compile templates at its first
    request."""
    from pathlib import Path

    from django.conf import settings
    from django.template import engines

    from core.wsgi import warm_up

    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    warm_up()
    folder = Path(settings.TEMPLATES[0]["DIRS"][0])
    names = {path.relative_to(folder).as_posix() for path in folder.rglob("*.html")}
    assert {"base.html", "articles/index.html", "partials/navbar.html"} <= names
    assert names <= set(loader.get_template_cache)
