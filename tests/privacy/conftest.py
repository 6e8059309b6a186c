"""The privacy officer of the access-matrix world and the youth whose requests
they register, for the modules of ``tests/privacy``.
"""

from __future__ import annotations

import pytest

from cases.models import Client
from tests.support.world import World


@pytest.fixture
def po(privacy_world: World):
    return privacy_world.users["po"]


@pytest.fixture
def youth(privacy_world: World) -> Client:
    return Client.objects.get(pk=privacy_world.objects["youth"])
