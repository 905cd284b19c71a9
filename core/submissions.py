"""What a form was sent, and saving it without losing a race."""

from django.db import IntegrityError, transaction
from django.forms.utils import ErrorDict
from django.utils.translation import gettext as _


def submitted(request):
    """The form data of a POST (even an empty one, so it is validated), else None."""
    return request.POST if request.method == "POST" else None


def save_or_report_conflict(form):
    """Save a valid ModelForm and return the object, or None when the form now has errors.

    Validation checks that a username or an email is free, but another request may take
    it before this one saves; the database's unique constraint then refuses the row.
    The form is validated again, finds the other row, and carries the ordinary error
    ("A user with that username already exists.") instead of the request failing.
    """
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        form.full_clean()
        if not form.errors:  # the other row is gone again: nothing to point at
            form.add_error(None, _("Something changed while you were saving. Please try again."))
        return None


def refuse(form, message):
    """Refuse a submission without looking at it (too many attempts): `message` becomes
    the form's only error, whatever its fields hold."""
    form.cleaned_data, form._errors = {}, ErrorDict()
    form.add_error(None, message)
