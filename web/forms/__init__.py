"""Forms validate input; the services enforce the rules.

``call_service`` runs a service and turns its ``ValidationError`` into form
errors next to the field it names (or at the top), so a refused rule is shown
in the form with its Dutch explanation and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_noop


def call_service[T](
    form: forms.Form, service: Callable[..., T], **kwargs: Any
) -> T | None:
    """Run ``service``; on a rule violation attach its messages to ``form`` and
    return ``None``. The service's transaction has rolled back by then. The
    service itself logs a successful write (``cases.events``)."""
    try:
        result = service(**kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None
    return result


def version_field(*, required: bool = False) -> forms.IntegerField:
    """The version of the row a form edits, carried as a hidden field so that
    the service can refuse a save from a form that someone else's change has
    made stale (optimistic locking, code ``stale``)."""
    return forms.IntegerField(widget=forms.HiddenInput, required=required, min_value=1)


def refresh_version(form: forms.Form, current: int) -> bool:
    """If the service refused ``form`` as stale, keep everything the user typed
    but let the next save go against the ``current`` version: the user sees
    the message and the new version, and saves again on purpose. Returns
    whether the form was stale."""
    if not form.has_error(NON_FIELD_ERRORS, "stale"):
        return False
    data = form.data.copy()
    data["version"] = str(current)
    form.data = data
    return True


def form_data(request: HttpRequest) -> QueryDict | None:
    """The POST data to bind a form to, even when empty (an empty POST is still a
    submission and must show "required" errors), or ``None`` for a GET."""
    return request.POST if request.method == "POST" else None


# Django's label for an empty choice; its Dutch catalogue lacks it, so ours
# carries the translation (WCAG 3.1.2: no English words in the Dutch interface).
gettext_noop("- Select an option -")
