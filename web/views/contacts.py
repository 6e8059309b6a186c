"""Contact moments: record a call, chat, WhatsApp, e-mail or visit in one
step — anonymous, or on a case one supports — and see one's own contacts.

Recording needs the capability (the caseworkers, ``roles.policy``); the
service checks the case (R2, R6, R13). A contact is shown to its recorder
and to whoever reads its case's content (``ContactMoment.objects.visible_to``);
a team lead gets an empty list.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.log import log_read
from cases import services
from cases.models import ContactMoment, SupportCase
from cases.selectors.contacts import contact_for, contact_list_rows
from config.access import shows_client_data, shows_no_client_data
from roles.policy import Capability, require_capability

from .. import filters
from ..forms import form_data
from ..forms.contacts import ContactForm
from ..submit import all_input, submit
from .cases import _case_for_change
from .lists import Column, render_list


def _recorded(contact: ContactMoment) -> str:
    return _("Het contact van %(moment)s is vastgelegd.") % {"moment": contact}


def _page(
    request: HttpRequest, form: ContactForm, title: str, **extra: Any
) -> HttpResponse:
    return render(
        request, "web/contact_form.html", {"form": form, "title": title, **extra}
    )


@shows_no_client_data
def contact_record(request: HttpRequest) -> HttpResponse:
    """Record a contact that is not (yet) about a client one supports: an
    anonymous question, a professional asking advice. After saving, the form
    is there again for the next call."""
    require_capability(request.user, Capability.RECORD_CONTACTS)
    form = ContactForm(form_data(request))
    if done := submit(
        request,
        form,
        services.contact_record,
        actor=request.user,
        arguments=all_input,
        success=_recorded,
        redirect_to=reverse("web:contact_record"),
    ):
        return done
    return _page(
        request,
        form,
        _("Contact vastleggen"),
        back=reverse("web:contact_list"),
        back_label=_("Naar mijn contacten"),
        intro=_(
            "Leg kort vast hoe en waarover iemand contact zocht. Een anoniem "
            "contact krijgt geen cliënt; een contact over een cliënt die u "
            "ondersteunt, legt u vast bij de zaak."
        ),
    )


@shows_client_data
def contact_record_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a later contact on a case one supports: it joins the case's
    history (its timeline) and counts for the client's municipality."""
    case: SupportCase = _case_for_change(request, pk)
    require_capability(request.user, Capability.RECORD_CONTACTS)
    form = ContactForm(form_data(request), about_client=True)
    if done := submit(
        request,
        form,
        services.contact_record,
        actor=request.user,
        case=case,
        arguments=all_input,
        success=_recorded,
        redirect_to=case,
    ):
        return done
    log_read(request, case)
    return _page(
        request,
        form,
        _("Contact vastleggen bij zaak %(reference)s") % {"reference": case.reference},
        case=case,
        back=case.get_absolute_url(),
        back_label=_("Terug naar de zaak"),
    )


CONTACT_SORTS = {
    "started": ["started_at"],
    "channel": ["channel"],
    "caller": ["caller_type"],
}


@shows_client_data
def contact_list(request: HttpRequest) -> HttpResponse:
    """The contacts the user sees, newest first, filtered by period, channel
    and caller; 25 a page."""
    columns = [
        Column(gettext_lazy("Datum en tijd"), "started"),
        Column(gettext_lazy("Kanaal"), "channel"),
        Column(gettext_lazy("Wie nam contact"), "caller"),
        Column(gettext_lazy("Waarover")),
        Column(gettext_lazy("Cliënt of zaak")),
    ]
    return render_list(
        request,
        template="web/contact_list.html",
        filterset=filters.ContactFilter(
            request.GET, queryset=contact_list_rows(request.user), request=request
        ),
        columns=columns,
        sorts=CONTACT_SORTS,
        default_sort="-started",
    )


@shows_client_data
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One contact with its items and note; a read in the access log."""
    contact = contact_for(request.user, pk)
    log_read(request, contact)
    return render(request, "web/contact_detail.html", {"contact": contact})


urlpatterns = [
    path("contacten/", contact_list, name="contact_list"),
    path("contacten/nieuw/", contact_record, name="contact_record"),
    path("contacten/<int:pk>/", contact_detail, name="contact_detail"),
    path("zaken/<int:pk>/contact/", contact_record_case, name="contact_record_case"),
]
