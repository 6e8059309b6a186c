"""``case_open_for``: a team lead opens a case for a caseworker of a team they
lead, and for no one else (R13)."""

from __future__ import annotations

from cases import services as case_services
from cases.models import SupportCase
from tests.factories import TeamFactory, UserFactory, open_case


def test_a_team_lead_opens_a_case_for_a_caseworker_of_their_team(team_lead, confidant):
    """R13: the case is opened in the caseworker's team, who is assigned."""
    team_lead.led_teams.add(confidant.team)
    client = open_case(confidant).client
    case = case_services.case_open_for(
        actor=team_lead,
        client=client,
        supporter=confidant,
        kind=SupportCase.Kind.QUESTION,
        title="Doorverwezen vraag",
    )
    assert case.team_id == confidant.team_id
    assert case.assignments.get().user == confidant


def test_a_team_lead_cannot_open_a_case_for_another_teams_caseworker(
    team_lead, confidant, refused
):
    """R13: a caseworker of a team the team lead does not lead is refused,
    whoever calls the service."""
    client = open_case(confidant).client
    other = UserFactory(
        confidant=True,
        organisation=team_lead.organisation,
        team=TeamFactory(organisation=team_lead.organisation, name="Regio Noord"),
    )
    assert not team_lead.led_teams.filter(pk=other.team_id).exists()
    with refused("not_in_team", field="supporter"):
        case_services.case_open_for(
            actor=team_lead,
            client=client,
            supporter=other,
            kind=SupportCase.Kind.QUESTION,
            title="Doorverwezen vraag",
        )
