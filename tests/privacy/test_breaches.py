"""The privacy officer's data-breach register (art. 33 AVG): the 72 hours, the
assessment, a late report's reason, and one register per organisation.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Organisation
from privacy import services
from privacy.models import DataBreach, DataSubjectRequest
from tests.support.checks import error_codes
from tests.support.privacy import privacy_officer, register_breach

Status = DataSubjectRequest.Status

# --- breaches ---------------------------------------------------------------------------


def test_a_breach_is_due_at_the_ap_72_hours_after_discovery(po) -> None:
    """Registering a breach sets its AP deadline 72 hours after discovery."""
    found = timezone.now() - datetime.timedelta(hours=5)
    breach = register_breach(po, found_at=found)
    assert breach.report_due_at == found + datetime.timedelta(hours=72)
    assert breach.reference.startswith("DL-")
    assert breach.deadline_state(timezone.now()) == "due_soon"
    assert breach.deadline_state(found + datetime.timedelta(hours=73)) == "overdue"


def test_assessing_needs_a_reporting_decision_and_informing_decision(po) -> None:
    """No report and no reason is refused; so is no decision on informing the
    data subjects; a reason for not reporting and "no, because" is accepted."""
    breach = register_breach(po)
    with pytest.raises(ValidationError) as info:
        services.breach_assess(
            actor=po, breach=breach, reported_to_ap_at=None, subjects_informed="no"
        )
    assert "not_reported_reason" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.breach_assess(
            actor=po,
            breach=breach,
            reported_to_ap_at=None,
            not_reported_reason="Versleuteld bestand, sleutel niet gelekt.",
            subjects_informed="undecided",
        )
    assert "subjects_informed" in info.value.message_dict
    breach = services.breach_assess(
        actor=po,
        breach=breach,
        reported_to_ap_at=None,
        not_reported_reason="Versleuteld bestand, sleutel niet gelekt.",
        subjects_informed="no",
        subjects_not_informed_reason="Geen risico voor de betrokkenen.",
    )
    assert breach.status == DataBreach.Status.ASSESSED
    assert breach.deadline_state(timezone.now()) == ""


def test_a_report_after_72_hours_needs_the_reason_for_the_delay(po) -> None:
    """A report later than 72 hours after discovery is accepted only with the
    reason for the delay (art. 33(1) AVG)."""
    found = timezone.now() - datetime.timedelta(hours=100)
    breach = register_breach(po, found_at=found)
    late = found + datetime.timedelta(hours=80)
    with pytest.raises(ValidationError) as info:
        services.breach_assess(
            actor=po,
            breach=breach,
            reported_to_ap_at=late,
            subjects_informed="yes",
            subjects_informed_on=timezone.localdate(),
        )
    assert "late" in error_codes(info.value)
    breach = services.breach_assess(
        actor=po,
        breach=breach,
        reported_to_ap_at=late,
        ap_reference="M-2026-123",
        delay_reason="Het lek werd pas na onderzoek van de leverancier duidelijk.",
        subjects_informed="yes",
        subjects_informed_on=timezone.localdate(),
    )
    assert breach.reported_late
    assert breach.ap_reference == "M-2026-123"


def test_a_breach_is_closed_only_after_assessment(po) -> None:
    """Closing a registered breach is refused; an assessed one closes, and a
    closed one changes no more."""
    breach = register_breach(po)
    with pytest.raises(ValidationError):
        services.breach_close(actor=po, breach=breach)
    breach = services.breach_assess(
        actor=po,
        breach=breach,
        reported_to_ap_at=timezone.now(),
        subjects_informed="yes",
        subjects_informed_on=timezone.localdate(),
    )
    breach = services.breach_close(actor=po, breach=breach)
    assert breach.status == DataBreach.Status.CLOSED
    with pytest.raises(ValidationError):
        services.breach_assess(
            actor=po,
            breach=breach,
            reported_to_ap_at=timezone.now(),
            subjects_informed="yes",
            subjects_informed_on=timezone.localdate(),
        )


def test_breaches_are_kept_per_organisation(privacy_world, po) -> None:
    """Another organisation's privacy officer sees none of the AKJ's breaches,
    and their detail page is 404."""
    breach = register_breach(po)
    other = privacy_officer(
        Organisation.objects.get(name="Cliëntondersteuning Utrecht"), "po2"
    )
    assert not DataBreach.objects.visible_to(other).exists()
    assert list(DataBreach.objects.visible_to(po)) == [breach]
