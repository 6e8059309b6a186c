"""Building blocks for the tests of the privacy officer's registers: requests
and breaches registered through the services, as the privacy officer does."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Organisation, User
from cases.models import Client
from privacy import services
from privacy.models import DataBreach, DataSubjectRequest
from tests.factories import account


def privacy_officer(organisation: Organisation, username: str = "po") -> User:
    """The privacy officer (staff) of ``organisation``."""
    return account(username, User.Role.PRIVACY_OFFICER, organisation, is_staff=True)


def register_request(
    officer: User,
    client: Client,
    kind: str = DataSubjectRequest.Kind.INZAGE,
    *,
    checked: bool = True,
    received_on: datetime.date | None = None,
    relation: str = DataSubjectRequest.Relation.CLIENT,
) -> DataSubjectRequest:
    """A request of ``client`` registered by ``officer``; with ``checked`` the
    asker's identity checked today."""
    request = services.privacy_request_register(
        actor=officer,
        client=client,
        kind=kind,
        requester_name=str(client),
        requester_relation=relation,
        received_on=received_on or timezone.localdate(),
    )
    if checked:
        request = services.privacy_request_check_identity(
            actor=officer,
            request=request,
            checked_on=timezone.localdate(),
            method=DataSubjectRequest.IdentityCheck.IN_PERSON,
        )
    return request


def register_breach(
    officer: User, *, found_at: datetime.datetime | None = None
) -> DataBreach:
    return services.breach_register(
        actor=officer,
        description="Een e-mail met een overzicht van gesprekken ging naar een verkeerd adres.",
        found_at=found_at or timezone.now() - datetime.timedelta(hours=1),
        personal_data="Voornamen en data van gesprekken",
        subjects_description="Cliënten van één team",
        subjects_count=12,
    )
