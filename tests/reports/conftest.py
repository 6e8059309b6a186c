"""The hand-computed fixture of the municipal report (2025 in Utrecht) and the
contract manager who reads it, for every module of ``tests/reports``.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Organisation, User
from cases.models import SupportCase
from tests.factories import (
    ClientFactory,
    MunicipalityFactory,
    OrganisationFactory,
    TeamFactory,
    account,
)

AMS = ZoneInfo("Europe/Amsterdam")


# --- the hand-computed fixture -----------------------------------------------------


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=AMS)


@pytest.fixture
def fixture_2025(db):
    """25 cases opened in 2025 by 9 clients of Utrecht (one on 1 January, 23
    from 2 to 24 March, one on 31 December), and cases that must not count:
    before and after the year (by local time) and in another town.

    kind:     question 6, problem 5, complaint 7, mediation 2, care question 5
    subject:  jeugdhulp 15 (ambulant provider), jeugdbescherming 6 (GI), none 4
    theme:    bejegening 12, communicatie 8, none 5
    outcome:  resolved 7, not resolved 3 (durations 2, 4, …, 20 days), open 15

    The cases are of the AKJ's team "Regio Utrecht"; the team lead ``tl``
    leads it.
    """
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344")
    zwolle = MunicipalityFactory(name="Zwolle", cbs_code="GM0193")
    akj = OrganisationFactory(akj=True)
    team = TeamFactory(organisation=akj, name="Regio Utrecht")
    ambulant = OrganisationFactory(
        care_provider=True, provider_kind=Organisation.ProviderKind.AMBULANT
    )
    gi = OrganisationFactory(
        care_provider=True, provider_kind=Organisation.ProviderKind.CERTIFIED
    )
    actor = account("vp", User.Role.AKJ_CONFIDANT, akj, team=team, password_text=None)
    account("tl", User.Role.TEAM_LEAD, akj, leads=[team], password_text=None)
    clients = [ClientFactory(municipality=utrecht, organisation=akj) for _ in range(9)]
    kinds = ["question"] * 6 + ["problem"] * 5 + ["complaint"] * 7
    kinds += ["mediation"] * 2 + ["care_question"] * 5
    subjects = ["jeugdhulp"] * 15 + ["jeugdbescherming"] * 6 + [""] * 4
    themes = ["treatment"] * 12 + ["communication"] * 8 + [""] * 5
    outcomes = ["resolved"] * 7 + ["not_resolved"] * 3 + [""] * 15
    providers = {"jeugdhulp": ambulant, "jeugdbescherming": gi, "": None}

    # Cases by hand, not through ``case_open``: the figures count by the dates
    # a case was opened and closed in 2025, which the services set to now,
    # and a report reads no assignments or permission rows.
    def case(n, client, opened, **kw):
        return SupportCase.objects.create(
            reference=f"T-{n}",
            client=client,
            organisation=akj,
            team=team,
            title="Vraag",
            opened_at=opened,
            opened_by=actor,
            **kw,
        )

    for i in range(25):
        opened = _at(datetime.date(2025, 3, 1) + datetime.timedelta(days=i))
        if i == 0:  # 2024-12-31 23:10 UTC: in 2025 by Dutch time
            opened = _at(datetime.date(2025, 1, 1), 0, 10)
        if i == 24:
            opened = _at(datetime.date(2025, 12, 31), 23, 30)
        closed = {}
        if outcomes[i]:
            closed = {
                "status": "closed",
                "outcome": outcomes[i],
                "closed_at": opened + datetime.timedelta(days=2 * (i + 1)),
            }
        case(
            i,
            clients[i % 9],
            opened,
            kind=kinds[i],
            subject=subjects[i],
            provider=providers[subjects[i]],
            theme=themes[i],
            **closed,
        )
    # Not counted: outside the year (local time) or in another municipality.
    case(100, clients[0], _at(datetime.date(2024, 12, 31), 23, 50), kind="question")
    case(101, clients[1], _at(datetime.date(2026, 1, 1), 0, 5), kind="question")
    zwolle_client = ClientFactory(municipality=zwolle, organisation=akj)
    for n in range(102, 110):
        case(n, zwolle_client, _at(datetime.date(2025, 5, 1)), kind="complaint")
    return utrecht


@pytest.fixture
def contract_manager(fixture_2025) -> User:
    org = OrganisationFactory(municipal=True, municipality=fixture_2025)
    return account("cm", User.Role.CONTRACT_MANAGER, org, password_text=None)
