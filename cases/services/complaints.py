"""Complaints (R3): a complaint is a case with its own stages and deadlines.

Every step a complaint takes is here: advancing it (formulated → submitted →
being handled → decided, or withdrawn), postponing the decision once,
suspending its term and letting it run again. The deadlines themselves are
``cases.complaint_clock``'s; every step is written to the case history.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from roles.permissions import Perm, require

from .. import events
from ..complaint_clock import TERMS, due_date
from ..errors import field_error
from ..history import track
from ..models import Complaint, ComplaintRegime, SupportCase
from ._common import _lock, ensure_case_open


def _locked_complaint(
    actor: User, complaint: Complaint
) -> tuple[SupportCase, Complaint]:
    """The first steps of every change to a complaint: the actor may change
    the case, the case is locked and open, the complaint is read afresh."""
    case = complaint.case
    require(actor, Perm.CHANGE_CASE, case)
    _lock(case)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    ensure_case_open(case)
    return case, complaint


def _day_of_step(
    on: datetime.date | None, *, since: datetime.date, message: str, code: str
) -> datetime.date:
    """The day a postponement, suspension or resumption takes effect: today
    unless given, and between ``since`` (the submission or the suspension)
    and today."""
    on = on or timezone.localdate()
    if on > timezone.localdate() or on < since:
        raise field_error("on", message, code)
    return on


def _save_complaint(
    complaint: Complaint,
    *,
    case: SupportCase,
    actor: User,
    reason: str,
    detail: str,
    from_stage: str | None = None,
) -> Complaint:
    """The last steps: validate, save with who and why, and the case event of
    the step (from ``from_stage``, default the complaint's own, to its stage)."""
    complaint.full_clean()
    track(complaint, actor=actor, reason=reason)
    complaint.save()
    complaint.case = case
    events.complaint_stage_changed(
        complaint=complaint,
        actor=actor,
        from_stage=complaint.stage if from_stage is None else from_stage,
        detail=detail,
    )
    return complaint


@transaction.atomic
def complaint_advance(
    *,
    actor: User,
    complaint: Complaint,
    stage: str,
    submitted_to: str = "",
    on: datetime.date | None = None,
    decision_summary: str = "",
    regime: str = "",
    advisory_committee: bool = False,
) -> Complaint:
    """Move a complaint to its next stage (R3): formulated → submitted (to whom,
    when) → being handled → decided, or withdrawn at any point before a decision."""
    case, complaint = _locked_complaint(actor, complaint)
    if stage not in Complaint.TRANSITIONS[complaint.stage]:
        raise ValidationError(
            _("Een klacht in de fase '%(from)s' kan niet naar '%(to)s'.")
            % {
                "from": Complaint.Stage(complaint.stage).label,
                "to": Complaint.Stage(stage).label
                if stage in Complaint.Stage.values
                else stage,
            },
            code="invalid_transition",
        )
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise field_error("on", _("Deze datum ligt in de toekomst."), "future")
    old = complaint.stage
    if stage == Complaint.Stage.SUBMITTED:
        if not submitted_to.strip():
            raise field_error(
                "submitted_to", _("Vul in bij wie de klacht is ingediend."), "required"
            )
        complaint.submitted_to = submitted_to.strip()
        complaint.submitted_on = on
        if regime:
            if regime not in ComplaintRegime.values:
                raise field_error("regime", _("Kies een klachtregeling."), "regime")
            complaint.regime = regime
        if advisory_committee and complaint.regime != ComplaintRegime.AWB:
            raise field_error(
                "advisory_committee",
                _(
                    "Een adviescommissie hoort alleen bij de gemeentelijke klachtprocedure."
                ),
                "advisory_committee",
            )
        complaint.advisory_committee = advisory_committee
    elif stage == Complaint.Stage.HANDLING:
        complaint.handling_started_on = on
    elif stage == Complaint.Stage.DECIDED:
        if not decision_summary.strip():
            raise field_error(
                "decision_summary", _("Vat de uitspraak samen."), "required"
            )
        complaint.decided_on = on
        complaint.decision_summary = decision_summary.strip()
    elif stage == Complaint.Stage.WITHDRAWN:
        complaint.withdrawn_on = on
    for earlier in (complaint.submitted_on, complaint.handling_started_on):
        if earlier and on < earlier:
            raise field_error(
                "on",
                _("Deze datum ligt vóór een eerdere stap van de klacht."),
                "before_previous",
            )
    if stage in (Complaint.Stage.DECIDED, Complaint.Stage.WITHDRAWN):
        # A decision or withdrawal ends a suspension: no clock runs any more.
        complaint.suspended_since = None
    complaint.stage = stage
    complaint.due_on = due_date(complaint)
    return _save_complaint(
        complaint,
        case=case,
        actor=actor,
        reason="complaint_advance",
        from_stage=old,
        detail=complaint.submitted_to if stage == Complaint.Stage.SUBMITTED else "",
    )


@transaction.atomic
def complaint_postpone(
    *, actor: User, complaint: Complaint, weeks: int, on: datetime.date | None = None
) -> Complaint:
    """Postpone the decision on a complaint (R3): once, by at most the regime's
    maximum (4 weeks), with written notice to the complainant on ``on``."""
    case, complaint = _locked_complaint(actor, complaint)
    if due_date(complaint) is None:
        raise ValidationError(
            _("Alleen een ingediende klacht die nog loopt kan worden verdaagd."),
            code="not_running",
        )
    if complaint.postponement_weeks:
        raise ValidationError(
            _("Deze klacht is al verdaagd; verdagen kan maar één keer."),
            code="already_postponed",
        )
    maximum = TERMS[complaint.regime].max_postponement_weeks
    if not 1 <= weeks <= maximum:
        raise field_error(
            "weeks",
            _("Verdagen kan met 1 tot ten hoogste %(max)s weken.") % {"max": maximum},
            "postponement_weeks",
        )
    on = _day_of_step(
        on,
        since=complaint.submitted_on,  # type: ignore[arg-type]  # a running clock has a submission date
        message=_("De mededeling valt tussen de indiening en vandaag."),
        code="postponed_on",
    )
    complaint.postponement_weeks = weeks
    complaint.postponed_on = on
    complaint.due_on = due_date(complaint)
    return _save_complaint(
        complaint,
        case=case,
        actor=actor,
        reason="complaint_postpone",
        detail=_("Beslissing verdaagd met %(weeks)s weken, tot %(due)s")
        % {"weeks": weeks, "due": complaint.due_on.isoformat()},  # type: ignore[union-attr]  # still running
    )


@transaction.atomic
def complaint_suspend(
    *,
    actor: User,
    complaint: Complaint,
    reason: str,
    on: datetime.date | None = None,
) -> Complaint:
    """Suspend (opschorten) the decision term of a running complaint (R3): the
    clock stands still from ``on`` until the complaint is resumed, e.g. while
    the complainant supplies information or an informal solution is tried with
    the complainant's agreement (``complaint_clock``)."""
    case, complaint = _locked_complaint(actor, complaint)
    if complaint.suspended_since is not None:
        raise ValidationError(
            _("De termijn van deze klacht is al opgeschort."),
            code="already_suspended",
        )
    due = due_date(complaint)
    if due is None:
        raise ValidationError(
            _("Alleen een ingediende klacht die nog loopt kan worden opgeschort."),
            code="not_running",
        )
    if not reason.strip():
        raise field_error(
            "reason", _("Vermeld waarom de termijn stilstaat."), "required"
        )
    on = _day_of_step(
        on,
        since=complaint.submitted_on,  # type: ignore[arg-type]  # a running clock has a submission date
        message=_("De opschorting begint tussen de indiening en vandaag."),
        code="suspended_since",
    )
    if on > due:
        raise field_error(
            "on",
            _("Een termijn die al verstreken was kan niet meer worden opgeschort."),
            "term_expired",
        )
    complaint.suspended_since = on
    complaint.due_on = due_date(complaint)
    return _save_complaint(
        complaint,
        case=case,
        actor=actor,
        reason="complaint_suspend",
        detail=_("Termijn opgeschort vanaf %(on)s: %(reason)s")
        % {"on": on.isoformat(), "reason": reason.strip()},
    )


@transaction.atomic
def complaint_resume(
    *, actor: User, complaint: Complaint, on: datetime.date | None = None
) -> Complaint:
    """Let the suspended decision term of a complaint run again from ``on``
    (R3); the days it stood still are added to the due date."""
    case, complaint = _locked_complaint(actor, complaint)
    if complaint.suspended_since is None:
        raise ValidationError(
            _("De termijn van deze klacht is niet opgeschort."),
            code="not_suspended",
        )
    on = _day_of_step(
        on,
        since=complaint.suspended_since,
        message=_(
            "De termijn loopt weer vanaf een datum tussen de opschorting en vandaag."
        ),
        code="resumed_on",
    )
    days = (on - complaint.suspended_since).days
    complaint.suspended_days += days
    complaint.suspended_since = None
    complaint.due_on = due_date(complaint)
    return _save_complaint(
        complaint,
        case=case,
        actor=actor,
        reason="complaint_resume",
        detail=ngettext(
            "Termijn loopt weer na %(days)s dag opschorting, tot %(due)s",
            "Termijn loopt weer na %(days)s dagen opschorting, tot %(due)s",
            days,
        )
        % {"days": days, "due": complaint.due_on.isoformat()},  # type: ignore[union-attr]  # running again
    )
