"""The clients of the access-matrix world the client pages act on: the youth,
the mother, their family and the care provider.
"""

from __future__ import annotations

import pytest

from accounts.models import Organisation
from cases.models import (
    Client,
    Family,
    FamilyMembership,
)


@pytest.fixture
def youth(world) -> Client:
    return Client.objects.get(pk=world.objects["youth"])


@pytest.fixture
def mother(world) -> Client:
    return Client.objects.get(pk=world.objects["mother"])


@pytest.fixture
def family(youth) -> Family:
    return FamilyMembership.objects.get(client=youth).family


@pytest.fixture
def provider(world) -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.CARE_PROVIDER)
