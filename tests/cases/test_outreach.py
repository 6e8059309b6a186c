"""Outreach visits (R7): confidants record visits to youths in institutions,
per institution, without names; a visit can lead to a new case."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases import services
from cases.models import OutreachVisit, SupportCase
from roles.policy import POLICY, SupportRole
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

VISIT = {
    "visited_on": datetime.date(2026, 3, 2),
    "group": "Leefgroep De Linde",
    "youths_spoken": 5,
    "themes": ["restrictions", "rights"],
    "notes": "Vragen over de huisregels.",
}


@pytest.fixture
def visit(confidant, care_provider, municipality) -> OutreachVisit:
    return services.outreach_visit_record(
        actor=confidant, institution=care_provider, municipality=municipality, **VISIT
    )


def test_only_the_confidant_role_visits_institutions():
    """R1, R7: the policy table says which role does outreach: the AKJ
    confidant only."""
    assert {role for role, p in POLICY.items() if p.outreach_visits} == {
        SupportRole.AKJ_CONFIDANT
    }


def test_a_visit_records_counts_and_themes_without_names(visit, confidant, akj):
    """R7: a visit holds institution, municipality, date, group, number of
    youths and themes; it has no field for a youth's name."""
    assert visit.organisation == akj
    assert visit.themes == ["rights", "restrictions"]
    assert visit.case is None
    names = {f.name for f in OutreachVisit._meta.get_fields()}
    assert not names & {"first_name", "last_name", "name", "client", "youth"}
    assert {"municipality", "visited_on", "youths_spoken", "organisation"} <= names


def test_a_client_supporter_cannot_record_a_visit(
    client_supporter, care_provider, municipality, refused
):
    """R7: outreach is the confidant's task."""
    with refused(exc=PermissionDenied):
        services.outreach_visit_record(
            actor=client_supporter,
            institution=care_provider,
            municipality=municipality,
            **VISIT,
        )


def test_the_institution_must_be_a_care_provider(confidant, akj, municipality):
    """R7: visits are to youth-care institutions."""
    with pytest.raises(Exception) as info:
        services.outreach_visit_record(
            actor=confidant, institution=akj, municipality=municipality, **VISIT
        )
    assert "institution" in info.value.message_dict
    assert not OutreachVisit.objects.exists()


def test_visibility_own_visits_and_the_team_leads_organisation(
    visit, confidant2, team_lead, client_supporter
):
    """R2, R7: a confidant sees the own visits, the team lead those of the
    organisation, nobody else any."""
    assert list(OutreachVisit.objects.visible_to(visit.confidant)) == [visit]
    assert list(OutreachVisit.objects.visible_to(team_lead)) == [visit]
    assert not OutreachVisit.objects.visible_to(confidant2).exists()
    assert not OutreachVisit.objects.visible_to(client_supporter).exists()


def test_a_case_is_opened_from_the_visit(client, visit, confidant, care_provider):
    """R7: from a visit the confidant registers the youth who asked for support,
    as living in the visited institution, and the case is linked to the visit."""
    client.force_login(confidant)
    url = reverse("web:outreach_case_open", args=[visit.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "first_name": "Noa",
            "last_name": "Visser",
            "date_of_birth": "2010-05-01",
            "kind": "youth",
            "municipality": visit.municipality_id,
            "lives_in_institution": "on",
            "institution": care_provider.pk,
            "case_kind": "question",
            "case_title": "Vraag over verlof",
            "at_clients_request": "on",
        },
    )
    visit.refresh_from_db()
    assert visit.case is not None
    assert response.status_code == 302
    assert response["Location"] == visit.case.get_absolute_url()
    assert visit.case.client.institution == care_provider
    assert visit.case.client.lives_in_institution
    assert SupportCase.objects.visible_to(confidant).filter(pk=visit.case_id).exists()
    # Only one case per visit.
    again = client.get(url)
    assert b"al een zaak geopend" in again.content


def test_the_list_filters_and_has_a_bounded_query_count(
    client, confidant, care_provider, django_assert_max_num_queries
):
    """R7: the list shows the own visits, filtered by period, with a fixed
    number of queries whatever the number of visits."""
    other = MunicipalityFactory()
    for day in range(1, 30):
        services.outreach_visit_record(
            actor=confidant,
            institution=care_provider,
            municipality=other,
            **{**VISIT, "visited_on": datetime.date(2026, 4, day)},
        )
    client.force_login(confidant)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("web:outreach_list"), {"date_from": "2026-04-10"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 20


def test_recording_a_visit_through_the_form(
    client, confidant, care_provider, municipality
):
    """R7: the form records a visit and shows it."""
    client.force_login(confidant)
    response = client.post(
        reverse("web:outreach_create"),
        {
            "visited_on": "2026-03-02",
            "institution": care_provider.pk,
            "municipality": municipality.pk,
            "group": "Leefgroep De Eik",
            "youths_spoken": "3",
            "themes": ["safety"],
        },
    )
    visit = OutreachVisit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == visit.get_absolute_url()
    detail = client.get(visit.get_absolute_url())
    assert "Leefgroep De Eik" in detail.content.decode()
