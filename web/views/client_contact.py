"""A client's contact details: how to reach them, and how not.

Some youths must not be called, texted or written to at home. What is not
allowed is recorded here and shown as a warning wherever someone would
contact the client (``web/partials/contact_warning.html``: the client's page,
the case page, recording a contact, planning a meeting).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext as _

from cases import services
from config.access import shows_client_data

from ..forms import form_data, refresh_version
from ..forms.clients import ClientContactForm
from ..submit import submit
from .clients import _client_for_change, _client_form_page

FIELDS = (
    "phone",
    "email",
    "address",
    "preferred_channel",
    "may_call",
    "may_text",
    "may_write",
)


@shows_client_data
def client_contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the client's contact details; a stale form is refused with the
    user's input kept."""
    client = _client_for_change(request, pk)
    form = ClientContactForm(
        form_data(request),
        initial={
            "version": client.version,
            **{name: getattr(client, name) for name in FIELDS},
        },
    )
    if done := submit(
        request,
        form,
        services.client_contact_update,
        actor=request.user,
        client=client,
        arguments=lambda data: {
            "expected_version": data["version"],
            **{name: data[name] for name in FIELDS},
        },
        success=_("De contactgegevens zijn opgeslagen."),
        redirect_to=client,
    ):
        return done
    refresh_version(form, client.version)
    return _client_form_page(
        request,
        client,
        form,
        _("Contactgegevens van %(client)s wijzigen") % {"client": client},
        intro=_(
            "Deze gegevens zijn zichtbaar voor iedereen die de cliënt nu ondersteunt."
        ),
    )


urlpatterns = [
    path(
        "clienten/<int:pk>/contactgegevens/",
        client_contact_edit,
        name="client_contact_edit",
    ),
]
