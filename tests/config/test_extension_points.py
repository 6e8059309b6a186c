"""The extension points of ``docs/extending.md``: a case kind, a role, a page
and a report dimension are each one row of a declared table (plus its
template). For every choice of ``SupportCase.Kind``, ``User.Role`` and
``SupportRole``, every table keyed by it has an entry: a new choice missing
from any of them fails here, with the table named."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.admin import PRIVILEGED_ROLES
from accounts.models import CASEWORKER_ROLES, ROLE_TRAITS, User
from audit.log import PURPOSES
from cases.management.commands.seed_demo import TITLES
from cases.models import SupportCase
from cases.services import case_reference
from reports.counting import _dimensions
from reports.dimensions import DIMENSIONS
from roles.policy import (
    CAPABILITIES,
    CASE_KINDS,
    POLICY,
    Capability,
    SupportRole,
    case_kind_rule,
    policy_for,
)
from tests.factories import ROLE_GROUPS, UserFactory
from web.context_processors import NAVIGATION

# --- a case kind ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", SupportCase.Kind.values)
def test_every_case_kind_is_in_every_table(kind):
    """Each kind has its row in ``CASE_KINDS`` (reference prefix, roles), a
    professional role that opens it, and demo titles in the seeder."""
    rule = CASE_KINDS.get(kind)
    assert rule is not None, f"{kind}: add it to roles.policy.CASE_KINDS"
    assert rule.reference_prefix.isalpha() and rule.reference_prefix.isupper()
    assert any(POLICY[role].is_user for role in rule.roles), (
        f"{kind}: no professional support role opens it"
    )
    assert TITLES.get(kind), f"{kind}: add demo titles to seed_demo.TITLES"


def test_case_kinds_has_no_kind_that_does_not_exist():
    """``CASE_KINDS`` lists exactly the kinds of ``SupportCase.Kind``."""
    assert set(CASE_KINDS) == set(SupportCase.Kind.values)


def test_the_roles_case_kinds_are_read_from_the_case_kind_table():
    """R1, R3, R8: a role supports exactly the kinds whose row names it."""
    for role in SupportRole:
        assert policy_for(role).case_kinds == {
            kind for kind, rule in CASE_KINDS.items() if role in rule.roles
        }
    assert policy_for(SupportRole.CLIENT_SUPPORTER).case_kinds == {
        SupportCase.Kind.CARE_QUESTION
    }
    assert policy_for(SupportRole.INFORMAL_SUPPORTER).case_kinds == set(
        SupportCase.Kind.values
    )


def test_only_a_complaint_case_starts_with_a_complaint():
    """R3: the complaint case alone starts with its complaint."""
    assert {k for k, rule in CASE_KINDS.items() if rule.starts_with_complaint} == {
        SupportCase.Kind.COMPLAINT
    }


def test_an_unknown_case_kind_is_an_error_not_a_default():
    """There is no silent "VP" for a kind the table does not know."""
    with pytest.raises(LookupError, match="CASE_KINDS"):
        case_kind_rule("appeal")
    with pytest.raises(LookupError):
        case_reference("appeal", 2026, 1)


# --- a role ---------------------------------------------------------------------------

#: Roles that have no page-level capability: they work in the admin only.
ADMIN_ONLY = {User.Role.FUNCTIONAL_ADMIN}


@pytest.mark.parametrize("role", User.Role.values)
def test_every_role_is_in_every_table(role):
    """Each professional role has its ``ROLE_TRAITS`` row and at least one
    capability in ``roles.policy.CAPABILITIES`` (or works in the admin only)."""
    assert role in ROLE_TRAITS, f"{role}: add it to accounts.models.ROLE_TRAITS"
    with_capability = {r for rule in CAPABILITIES.values() for r in rule.roles}
    assert (role in with_capability) != (role in ADMIN_ONLY), (
        f"{role}: give it capabilities in roles.policy.CAPABILITIES"
    )


def test_role_traits_has_no_role_that_does_not_exist():
    assert set(ROLE_TRAITS) == set(User.Role.values)


def test_the_tables_derived_from_the_role_traits_agree():
    """The caseworker roles, the support roles' user roles, the privileged
    roles, the access log's purposes and the factories' groups are those of
    ``ROLE_TRAITS``."""
    caseworkers = {r for r, t in ROLE_TRAITS.items() if t.caseworker}
    assert set(CASEWORKER_ROLES) == caseworkers
    assert {p.user_role for p in POLICY.values() if p.is_user} == caseworkers
    assert {r for r, t in ROLE_TRAITS.items() if t.privileged} == PRIVILEGED_ROLES
    assert {r: t.purpose for r, t in ROLE_TRAITS.items() if t.purpose} == PURPOSES
    assert {r: t.group for r, t in ROLE_TRAITS.items() if t.group} == ROLE_GROUPS
    # Every role that reads a client file or a case says why.
    readers = {r for rule in CAPABILITIES.values() for r in rule.roles} - {
        User.Role.CONTRACT_MANAGER
    }
    assert readers <= set(PURPOSES)


@pytest.mark.parametrize("role", User.Role.values)
def test_every_role_has_a_factory_trait(db, role):
    """``tests.factories.UserFactory`` makes a user of each role by a trait."""
    trait = {
        User.Role.AKJ_CONFIDANT: "confidant",
        User.Role.CLIENT_SUPPORTER: "client_supporter",
    }.get(role, role)
    user = UserFactory(**{trait: True})
    assert user.role == role


def test_every_role_group_exists(db):
    """The groups ``ROLE_TRAITS`` names are made by the migrations."""
    names = {t.group for t in ROLE_TRAITS.values() if t.group}
    assert set(Group.objects.filter(name__in=names).values_list("name", flat=True)) == (
        names
    )


@pytest.mark.parametrize("role", SupportRole.values)
def test_every_support_role_is_in_every_table(role):
    """R1: each support role has its ``POLICY`` row and takes a case kind."""
    assert role in POLICY, f"{role}: add it to roles.policy.POLICY"
    assert POLICY[role].role == role
    assert any(role in rule.roles for rule in CASE_KINDS.values()), (
        f"{role}: name it in a row of roles.policy.CASE_KINDS"
    )


# --- a page ---------------------------------------------------------------------------


@pytest.mark.parametrize("capability", list(Capability))
def test_every_capability_has_its_rule(capability):
    """``can(user, X)`` reads a rule for every capability."""
    assert capability in CAPABILITIES, f"{capability}: add it to CAPABILITIES"


def test_the_navigation_names_real_pages_and_capabilities():
    """Each menu row is a page that exists and a capability with a rule; the
    page opens for the same capability (the access matrices check that)."""
    for name, label, capability in NAVIGATION:
        assert reverse(name)
        assert str(label)
        assert capability is None or capability in CAPABILITIES


# --- a report dimension ---------------------------------------------------------------


def test_every_report_dimension_is_a_table_of_the_report():
    """``DIMENSIONS`` is what the report counts, in its order; keys are unique
    and every row value of a table is unique."""
    assert [key for key, _title, _rows in _dimensions()] == [d.key for d in DIMENSIONS]
    assert len({d.key for d in DIMENSIONS}) == len(DIMENSIONS)
    for dimension in DIMENSIONS:
        values = [value for value, _label, _q in dimension.rows()]
        assert len(set(values)) == len(values), dimension.key


def test_the_kind_dimension_has_every_case_kind():
    """A new case kind is counted in the report without another change."""
    kinds = next(d for d in DIMENSIONS if d.key == "kind")
    assert [value for value, _label, _q in kinds.rows()] == SupportCase.Kind.values
