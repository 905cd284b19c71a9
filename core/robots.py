"""/robots.txt: what search engines may crawl.

The articles are the site's content. Account pages, the admin and the language links
(each page again under /language/…?next=) are not worth an index entry. The paths are
the prefixes in core/urls.py.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

ROBOTS_TXT = """\
User-agent: *
Disallow: /accounts/
Disallow: /admin/
Disallow: /language/
"""


@login_not_required
@require_GET
def robots_txt(request):
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")
