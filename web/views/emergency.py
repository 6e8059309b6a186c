"""Emergency access ("break the glass", R2): the team lead opens one case's
content for a limited time with a reason, and may end it early; the case's
supporter is told on the case page and the dashboard; the privacy officer
lists every emergency access and reviews it.

The rules are in ``roles.services`` (``emergency_access_open``, ``_end``,
``_review``), what the access shows in ``roles.permissions``, and what the
case page and the dashboard tell of it in ``cases.selectors.emergency``.
Opening is logged in the access log by the service itself (``log_event``, in
the same transaction as the grant); reads during the access are logged by the
pages with the purpose "noodtoegang" (``audit.log.read_purpose``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import log_read, request_address
from cases.models import SupportCase
from config.access import shows_client_data, shows_no_client_data
from config.formats import local_moment
from roles import services as role_services
from roles.models import EmergencyAccess
from roles.permissions import Perm, require
from roles.policy import Capability, require_capability

from ..forms import form_data
from ..forms.emergency import (
    EmergencyAccessForm,
    EmergencyEndForm,
    EmergencyListFilterForm,
    EmergencyReviewForm,
)
from ..submit import submit
from .privacy import PAGE_SIZE

# --- the team lead -------------------------------------------------------------------------


def _opened(request: HttpRequest, access: Any, case: SupportCase) -> HttpResponse:
    """Back to the case, with how long the emergency access lasts."""
    messages.warning(
        request,
        _("U heeft noodtoegang tot deze zaak tot %(until)s.")
        % {"until": local_moment(access.expires_at)},
    )
    return redirect(case)


@shows_no_client_data
def emergency_access_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Noodtoegang: the team lead states a reason and reads the case's content
    until the access expires (R2)."""
    case = get_object_or_404(SupportCase.objects.visible_to(request.user), pk=pk)
    require(request.user, Perm.OPEN_EMERGENCY_ACCESS, case)
    form = EmergencyAccessForm(form_data(request))
    if done := submit(
        request,
        form,
        role_services.emergency_access_open,
        actor=request.user,
        case=case,
        address=request_address(request),
        arguments=lambda data: {"reason": data["reason"]},
        redirect_to=lambda access: _opened(request, access, case),
    ):
        return done
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
    if done := submit(
        request,
        form,
        role_services.emergency_access_end,
        actor=request.user,
        access=access,
        success=_("Uw noodtoegang tot deze zaak is beëindigd."),
        redirect_to=case,
    ):
        return done
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
            % {"until": local_moment(access.expires_at)}
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
    if not access.is_reviewed and (
        done := submit(
            request,
            form,
            role_services.emergency_access_review,
            actor=request.user,
            access=access,
            arguments=lambda data: {"note": data["note"]},
            success=_("De beoordeling is vastgelegd."),
            redirect_to="web:privacy_emergency_list",
        )
    ):
        return done
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
