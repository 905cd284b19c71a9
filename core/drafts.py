"""Nothing typed is lost when a login is needed in the middle of writing.

A form view marked with @keeps_draft("title", "content") may receive a POST from a
user whose session has ended. LoginRequiredMiddleware then stores the posted fields in
the (new, anonymous) session under the form's path, and login keeps session data. When
the user is back on that form, the view pre-fills it from the draft, and drops the draft
once saved.

A draft belongs to the user who was writing: the form carries a signed owner token
(`{% draft_owner_field %}`), and a draft is only handed to that user. A draft posted
without a valid token is not kept, so nobody else on the same browser ever sees it.
"""

from django.core import signing

SESSION_KEY = "drafts"
OWNER_FIELD = "draft_owner"
_SALT = "core.drafts.owner"
MAX_AGE = 60 * 60 * 24 * 30  # a month, the longest a session lives


def keeps_draft(*fields):
    def decorator(view_func):
        view_func.draft_fields = fields
        return view_func

    return decorator


def owner_token(user):
    return signing.dumps(user.pk, salt=_SALT)


def _owner_of(request):
    try:
        return signing.loads(request.POST.get(OWNER_FIELD, ""), salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None


def save(request, fields):
    """Keep the posted `fields` for the form at this path. Returns whether it did."""
    owner = _owner_of(request)
    if owner is None:
        return False
    drafts = request.session.get(SESSION_KEY, {})
    drafts[request.path] = {
        "owner": owner,
        "data": {name: request.POST.get(name, "") for name in fields},
    }
    request.session[SESSION_KEY] = drafts
    return True


def load(request):
    """The current user's draft for the form at this path, or None."""
    draft = request.session.get(SESSION_KEY, {}).get(request.path)
    if draft and draft["owner"] == request.user.pk:
        return draft["data"]
    return None


def drop(request):
    drafts = request.session.get(SESSION_KEY, {})
    if drafts.pop(request.path, None) is not None:
        request.session[SESSION_KEY] = drafts
