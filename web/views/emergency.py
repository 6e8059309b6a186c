"""Emergency access ("break the glass", R2): the team lead opens one case's
content for a limited time with a reason, and may end it early; the case's
supporter is told on the case page and the dashboard; the privacy officer
lists every emergency access and reviews it.

The rules are in ``roles.services`` (``emergency_access_open``, ``_end``,
``_review``), what the access shows in ``roles.permissions``, and what the
case page and the dashboard tell of it in ``cases.selectors.emergency``.
Opening is logged in the access log by the service itself (``log_event``, in
the same transaction as the grant); reads during the access are logged by the
pages with the purpose "noodtoegang" (``cases.access_log.read_purpose``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.access_log import log_read, request_address
from cases.models import SupportCase
from config.access import shows_client_data, shows_no_client_data
from roles import services as role_services
from roles.models import EmergencyAccess
from roles.permissions import Perm, require
from roles.policy import Capability, require_capability

from ..forms import call_service, form_data
from ..forms.emergency import (
    EmergencyAccessForm,
    EmergencyEndForm,
    EmergencyListFilterForm,
    EmergencyReviewForm,
)
from .privacy import PAGE_SIZE


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


# --- the team lead -------------------------------------------------------------------------


@shows_no_client_data
def emergency_access_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Noodtoegang: the team lead states a reason and reads the case's content
    until the access expires (R2)."""
    case = get_object_or_404(SupportCase.objects.visible_to(request.user), pk=pk)
    require(request.user, Perm.OPEN_EMERGENCY_ACCESS, case)
    form = EmergencyAccessForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        access = call_service(
            form,
            role_services.emergency_access_open,
            by=request.user,
            case=case,
            reason=form.cleaned_data["reason"],
            address=request_address(request),
        )
        if access:
            messages.warning(
                request,
                _("U heeft noodtoegang tot deze zaak tot %(until)s.")
                % {"until": _when(access.expires_at)},
            )
            return redirect(case)
    return render(
        request,
        "web/form_page.html",
        {
            "case": case,
            "form": form,
            "title": _("Noodtoegang tot zaak %(reference)s")
            % {"reference": case.reference},
            "intro": _(
                "Met noodtoegang ziet u %(hours)d uur lang de inhoud van deze zaak "
                "(notities, gesprekken en, zolang de zaak loopt, het dossier van de "
                "cliënt), zonder iets te kunnen wijzigen. Dat wordt vastgelegd in "
                "het toegangslog, de vertrouwenspersoon van de zaak ziet het met uw "
                "reden, en de privacyfunctionaris beoordeelt het. Gebruik het alleen "
                "als het echt niet anders kan."
            )
            % {"hours": settings.NAAST_EMERGENCY_ACCESS_HOURS},
            "intro_level": "warning",
            "submit": _("Noodtoegang openen"),
        },
    )


@shows_no_client_data
def emergency_access_end(request: HttpRequest, pk: int) -> HttpResponse:
    """The team lead ends their emergency access early (R2)."""
    access = get_object_or_404(
        EmergencyAccess.objects.visible_to(request.user).select_related("case"),
        pk=pk,
    )
    require(request.user, Perm.END_EMERGENCY_ACCESS, access)
    case = access.case
    form = EmergencyEndForm(form_data(request))
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form, role_services.emergency_access_end, by=request.user, access=access
        )
    ):
        messages.success(request, _("Uw noodtoegang tot deze zaak is beëindigd."))
        return redirect(case)
    running = access.is_running()
    return render(
        request,
        "web/form_page.html",
        {
            "case": case,
            "form": form if running else None,
            "title": _("Noodtoegang tot zaak %(reference)s beëindigen")
            % {"reference": case.reference},
            "intro": _(
                "Daarna ziet u de inhoud van deze zaak niet meer. Uw noodtoegang "
                "loopt anders af op %(until)s."
            )
            % {"until": _when(access.expires_at)}
            if running
            else _("Deze noodtoegang is al afgelopen."),
            "submit": _("Noodtoegang beëindigen"),
        },
    )


# --- the privacy officer ---------------------------------------------------------------------


@shows_client_data
def privacy_emergency_list(request: HttpRequest) -> HttpResponse:
    """Every emergency access, newest first, filtered on running, not yet
    reviewed or reviewed, for the privacy officer (R2). Everyone else: 404."""
    require_capability(request.user, Capability.REVIEW_EMERGENCY_ACCESS)
    form = EmergencyListFilterForm(request.GET or None)
    accesses = EmergencyAccess.objects.visible_to(request.user).select_related(
        "case", "granted_to", "reviewed_by"
    )
    status = form.cleaned_data["status"] if form.is_valid() else ""
    if status == EmergencyListFilterForm.RUNNING:
        accesses = accesses.running()
    elif status == EmergencyListFilterForm.UNREVIEWED:
        accesses = accesses.filter(reviewed_at__isnull=True)
    elif status == EmergencyListFilterForm.REVIEWED:
        accesses = accesses.filter(reviewed_at__isnull=False)
    # The reasons may speak of clients: reading this list is logged too.
    log_read(request, object_type="emergency_list", object_id=request.GET.urlencode())
    page = Paginator(accesses.order_by("-started_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/emergency_list.html",
        {"form": form, "page": page, "now": timezone.now()},
    )


@shows_client_data
def privacy_emergency_review(request: HttpRequest, pk: int) -> HttpResponse:
    """One emergency access with its reason, and the privacy officer's review
    (R2). Everyone else: 404."""
    require_capability(request.user, Capability.REVIEW_EMERGENCY_ACCESS)
    access = get_object_or_404(
        EmergencyAccess.objects.visible_to(request.user).select_related(
            "case", "granted_to", "reviewed_by"
        ),
        pk=pk,
    )
    require(request.user, Perm.REVIEW_EMERGENCY_ACCESS, access)
    form = EmergencyReviewForm(form_data(request))
    if (
        request.method == "POST"
        and not access.is_reviewed
        and form.is_valid()
        and call_service(
            form,
            role_services.emergency_access_review,
            by=request.user,
            access=access,
            note=form.cleaned_data["note"],
        )
    ):
        messages.success(request, _("De beoordeling is vastgelegd."))
        return redirect("web:privacy_emergency_list")
    log_read(request, access.case)
    return render(
        request,
        "web/emergency_review.html",
        {
            "access": access,
            "form": None if access.is_reviewed else form,
            "running": access.is_running(),
        },
    )


urlpatterns = [
    path(
        "zaken/<int:pk>/noodtoegang/",
        emergency_access_open,
        name="emergency_access_open",
    ),
    path(
        "noodtoegang/<int:pk>/beeindigen/",
        emergency_access_end,
        name="emergency_access_end",
    ),
    path("privacy/noodtoegang/", privacy_emergency_list, name="privacy_emergency_list"),
    path(
        "privacy/noodtoegang/<int:pk>/",
        privacy_emergency_review,
        name="privacy_emergency_review",
    ),
]
