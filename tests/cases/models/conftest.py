"""The migration tests are transactional: every table is flushed after them,
the role groups that the data migration ``roles/0002_groups`` made
included. The groups are made again once the flush is done, so that a test
that runs after one of them on the same worker finds the database as
``migrate`` left it."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group, Permission


@pytest.fixture
def _role_groups_back(request: pytest.FixtureRequest, django_db_blocker) -> None:
    """Ask for the groups to be made again after this test's flush."""
    request.node.stash[_BLOCKER] = django_db_blocker


_BLOCKER = pytest.StashKey[object]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Iterator:
    result = yield
    blocker = item.stash.get(_BLOCKER, None)
    if blocker is not None:
        with blocker.unblock():  # type: ignore[attr-defined]
            _make_role_groups()
    return result


def _make_role_groups() -> None:
    """The role groups with their permissions, as ``roles/0002_groups`` makes
    them (the permissions come back with the flush's post-migrate signal)."""
    groups = importlib.import_module("roles.migrations.0002_groups").GROUPS
    for name, perms in groups.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in perms
            ]
        )
