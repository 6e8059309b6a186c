"""Applications (aanvragen) and the decisions on them (R9).

Client support and deciding on an application are never in one hand: a
person who supports (or supported) the client neither decides on the
client's application nor is given it to decide
(``roles.services.ensure_not_supporting``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from roles import services as role_services
from roles.permissions import Perm, require

from .. import events
from ..errors import field_error
from ..history import track
from ..models import Application


@transaction.atomic
def application_decide(
    *,
    actor: User,
    application: Application,
    decision: str,
    reason: str,
    decided_on: datetime.date | None = None,
) -> Application:
    """Decide on an application. A person who supports (or supported) the
    client cannot decide on the client's application (R9)."""
    require(actor, Perm.DECIDE_APPLICATION, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.decision != Application.Decision.PENDING:
        raise ValidationError(
            _("Over deze aanvraag is al besloten."), code="already_decided"
        )
    if (
        decision not in Application.Decision.values
        or decision == Application.Decision.PENDING
    ):
        raise field_error("decision", _("Kies een beschikking."), "decision")
    if not reason.strip():
        raise field_error("reason", _("Motiveer de beschikking."), "required")
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        raise field_error("decided_on", _("Deze datum ligt in de toekomst."), "future")
    if decided_on < application.submitted_on:
        raise field_error(
            "decided_on",
            _("Er kan niet worden besloten vóór de aanvraag is ingediend."),
            "before_submission",
        )
    role_services.ensure_not_supporting(user=actor, client=application.client)
    application.decider = actor
    application.decision = decision
    application.decision_reason = reason.strip()
    application.decided_on = decided_on
    application.full_clean()
    track(application, actor=actor, reason="application_decide")
    application.save()
    events.application_decided(application=application)
    return application


@transaction.atomic
def application_assign_decider(
    *, actor: User, application: Application, decider: User
) -> Application:
    """Give an application to a decision-maker, who must not support the client (R9)."""
    require(actor, Perm.DECIDE_APPLICATION, application)
    if not Application.objects.visible_to(decider).filter(pk=application.pk).exists():
        raise ValidationError(
            {
                "decider": _(
                    "Deze persoon beslist niet over aanvragen van deze gemeente."
                )
            },
            code="decider_municipality",
        )
    role_services.ensure_not_supporting(user=decider, client=application.client)
    application.decider = decider
    application.full_clean()
    track(application, actor=actor, reason="application_assign_decider")
    application.save(update_fields=["decider"])
    events.application_decider_assigned(application=application)
    return application
