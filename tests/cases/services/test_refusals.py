"""Refusals of the case, outreach, assignment and consent services that no
form offers: a crafted call must be refused with its reason and change
nothing. The forms' own refusals are tested with the pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Organisation, User
from cases import services
from cases.models import Client, Meeting, OutreachVisit, SupportCase
from roles import services as role_services
from roles.models import Assignment, Consent
from roles.policy import SupportRole
from tests.factories import OrganisationFactory, TeamFactory, account
from tests.support.checks import error_codes
from tests.support.world import World


def _case(world: World, key: str = "complaint_case") -> SupportCase:
    return SupportCase.objects.get(pk=world.objects[key])


def _other_akj_confidant() -> User:
    akj = OrganisationFactory(akj=True, name="AKJ Noord")
    return account(
        "vp-noord",
        User.Role.AKJ_CONFIDANT,
        akj,
        team=TeamFactory(organisation=akj, name="Noord"),
    )


def _refused(call, *codes: str) -> None:
    with pytest.raises(ValidationError) as refused:
        call()
    assert error_codes(refused.value) == set(codes)


# --- cases --------------------------------------------------------------------


def test_a_team_lead_opens_no_case_in_a_file_of_another_organisation(world):
    """R13: the AKJ's team lead cannot open a case in the client-support
    organisation's file of the youth."""
    with pytest.raises(PermissionDenied):
        services.case_open_for(
            actor=world.users["tl"],
            client=Client.objects.get(pk=world.objects["co_youth"]),
            supporter=world.users["vp1"],
            kind="question",
            title="x",
        )
    assert not SupportCase.objects.filter(title="x").exists()


def test_a_case_is_opened_only_for_a_supporter_of_the_files_organisation(world):
    """Opening for someone without a support role (the decision-maker) is
    refused next to the field; for a confidant of another AKJ it is R13."""
    youth = Client.objects.get(pk=world.objects["youth"])
    _refused(
        lambda: services.case_open_for(
            actor=world.users["tl"],
            client=youth,
            supporter=world.users["dm"],
            kind="question",
            title="x",
        ),
        "not_in_team",
    )
    with pytest.raises((PermissionDenied, ValidationError)):
        services.case_open(
            actor=_other_akj_confidant(), client=youth, kind="question", title="x"
        )
    assert not SupportCase.objects.filter(title="x").exists()


# --- outreach -----------------------------------------------------------------


def _visit(world: World, **overrides: object) -> OutreachVisit:
    arguments = {
        "actor": world.users["vp1"],
        "institution": Organisation.objects.get(kind=Organisation.Kind.CARE_PROVIDER),
        "municipality": Client.objects.get(pk=world.objects["youth"]).municipality,
        "visited_on": timezone.localdate(),
        "group": "Groep Noord",
        "youths_spoken": 4,
        "themes": [],
        **overrides,
    }
    return services.outreach_visit_record(**arguments)


def test_an_outreach_visit_takes_only_themes_from_the_list(world):
    _refused(lambda: _visit(world, themes=["gossip"]), "themes")
    assert not OutreachVisit.objects.exists()


def test_a_visit_opens_one_case_only(world):
    """A visit from which a case was opened cannot open a second one."""
    visit = _visit(world)
    registration = {
        "first_name": "Noor",
        "last_name": "Visser",
        "date_of_birth": datetime.date(2010, 5, 5),
        "kind": "youth",
        "municipality": visit.municipality,
        "case_kind": "question",
        "case_title": "Vraag op de groep",
    }
    first = services.outreach_case_open(
        actor=world.users["vp1"], visit=visit, **registration
    )
    assert isinstance(first, SupportCase)
    cases = SupportCase.objects.count()
    with pytest.raises(ValidationError):
        services.outreach_case_open(
            actor=world.users["vp1"],
            visit=visit,
            **{**registration, "first_name": "Anna"},
        )
    assert SupportCase.objects.count() == cases


# --- assignments --------------------------------------------------------------


def test_a_user_role_is_held_by_a_user_only(world):
    """A confidant's role with an informal supporter as holder is refused (R1)."""
    case = _case(world)
    informal = case.client.informal_supporters.get()
    _refused(
        lambda: role_services.assignment_start(
            actor=world.users["tl"],
            case=case,
            role=SupportRole.AKJ_CONFIDANT,
            user=world.users["vp2"],
            informal_supporter=informal,
        ),
        "r1_holder",
    )


def test_nobody_of_another_organisation_is_assigned(world):
    """R13: a confidant of another AKJ is not assigned to this AKJ's case."""
    case = _case(world)
    before = Assignment.objects.filter(case=case).count()
    with pytest.raises((PermissionDenied, ValidationError)):
        role_services.assignment_start(
            actor=world.users["tl"],
            case=case,
            role=SupportRole.AKJ_CONFIDANT,
            user=_other_akj_confidant(),
        )
    assert Assignment.objects.filter(case=case).count() == before


def test_an_ended_assignment_is_not_handed_over(world):
    """Support that has ended cannot be handed over to a colleague."""
    case = _case(world, "mother_case")
    assignment = Assignment.objects.get(case=case, user=world.users["vp2"])
    role_services.assignment_end(actor=world.users["tl"], assignment=assignment)
    _refused(
        lambda: role_services.assignment_hand_over(
            actor=world.users["tl"],
            assignment=assignment,
            to_user=world.users["vp1"],
            reason="Verlof",
        ),
        "ended",
    )


def test_assignments_end_with_the_case_only_once_it_is_closed(world):
    """The step of ``case_close`` refuses an open case."""
    with pytest.raises(ValueError):
        role_services.assignments_end_for_closed_case(
            actor=world.users["vp1"], case=_case(world)
        )
    assert Assignment.objects.filter(case=_case(world), ended_at__isnull=True)


# --- consent and sharing (R11) ------------------------------------------------


def _consent(world: World) -> Consent:
    return Consent.objects.get(
        client_id=world.objects["youth"], item="meeting_invitation"
    )


def test_a_withdrawn_consent_is_not_withdrawn_again(world):
    consent = _consent(world)
    role_services.consent_withdraw(actor=world.users["vp1"], consent=consent)
    consent.refresh_from_db()
    withdrawn_on = consent.withdrawn_on
    _refused(
        lambda: role_services.consent_withdraw(
            actor=world.users["vp1"], consent=consent
        ),
        "consent_withdrawn",
    )
    consent.refresh_from_db()
    assert consent.withdrawn_on == withdrawn_on


def test_a_summary_goes_only_to_an_informal_supporter_of_the_client(world):
    """The mother's informal supporter is no supporter of the youth: the
    youth's meeting summary is not shared with them."""
    mother = Client.objects.get(pk=world.objects["mother"])
    neighbour = role_services.informal_supporter_add(
        actor=world.users["vp2"], client=mother, name="Buurvrouw", relation="buur"
    )
    meeting = Meeting.objects.get(pk=world.objects["complaint_meeting"])
    _refused(
        lambda: role_services.meeting_summary_share(
            actor=world.users["vp1"], meeting=meeting, informal_supporter=neighbour
        ),
        "r11_other_client",
    )


def test_only_a_document_consent_shares_a_document(world):
    """A consent for a meeting invitation does not share a document."""
    _refused(
        lambda: role_services.document_share(
            actor=world.users["vp1"], consent=_consent(world)
        ),
        "r11_item",
    )
