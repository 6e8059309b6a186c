"""The audit trail of changes to users: every change of a role,
organisation, team, flag, group, password or second factor is recorded
(who, whom, when, what, from what to what; never a password hash), whatever
path made it; the trail is append-only; the privacy officer reads it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse

from accounts.audit import AuditActorMiddleware, acting_as
from accounts.models import AppendOnlyError, User, UserAuditEvent
from accounts.two_factor import confirm_device, new_recovery_codes
from tests.factories import (
    OrganisationFactory,
    TeamFactory,
    TOTPDeviceFactory,
    UserFactory,
)

Field = UserAuditEvent.Field


@pytest.fixture
def akj(db):
    return OrganisationFactory(akj=True)


@pytest.fixture
def officer(akj) -> User:
    return UserFactory(
        role=User.Role.PRIVACY_OFFICER, organisation=akj, is_staff=True, username="po"
    )


@pytest.fixture
def user(akj) -> User:
    return UserFactory(confidant=True, organisation=akj, username="vp-anna")


def events(user: User, field: str) -> list[tuple[str, str]]:
    return [
        (e.old_value, e.new_value)
        for e in UserAuditEvent.objects.filter(subject=user, field=field).order_by("pk")
    ]


def test_changes_of_tracked_fields_are_recorded_with_the_actor(user, officer, akj):
    """Role, organisation, team, flags and e-mail: old and new value, and who."""
    other_team = TeamFactory(organisation=akj, name="Regio Zuid")
    with acting_as(officer):
        user.role = User.Role.CLIENT_SUPPORTER
        user.team = other_team
        user.is_staff = True
        user.email = "anna@example.nl"
        user.save()
    assert events(user, Field.ROLE)[-1] == (
        User.Role.AKJ_CONFIDANT,
        User.Role.CLIENT_SUPPORTER,
    )
    assert events(user, Field.TEAM)[-1][1] == f"Regio Zuid ({other_team.pk})"
    assert events(user, Field.IS_STAFF)[-1] == ("nee", "ja")
    assert events(user, Field.EMAIL)[-1][1] == "anna@example.nl"
    assert set(
        UserAuditEvent.objects.filter(subject=user, at__isnull=False)
        .exclude(actor=None)
        .values_list("actor_name", flat=True)
    ) == {"po"}


def test_a_new_account_is_recorded_without_an_actor_from_a_command(akj):
    """Made outside a request (a command, the demo seed): actor empty."""
    user = UserFactory(confidant=True, organisation=akj)
    recorded = UserAuditEvent.objects.filter(subject=user)
    assert {e.field for e in recorded} >= {Field.ROLE, Field.ORGANISATION, Field.TEAM}
    assert all(e.actor_id is None for e in recorded)


def test_password_is_recorded_as_changed_never_as_a_hash(user):
    user.set_password("Nieuw-wachtwoord-2026!")
    user.save()
    assert events(user, Field.PASSWORD) == [("", "gewijzigd")]
    for event in UserAuditEvent.objects.filter(subject=user):
        assert "pbkdf2" not in event.old_value + event.new_value
        assert user.password not in event.old_value + event.new_value


def test_a_hash_upgraded_at_login_is_no_password_change(user):
    """Saving only ``last_login`` or an upgraded hash records nothing."""
    user.save(update_fields=["last_login"])
    user.password = "upgraded$hash"
    user._password = None
    user.save(update_fields=["password"])
    assert events(user, Field.PASSWORD) == []


def test_groups_are_recorded_both_ways(user):
    lead = Group.objects.get(name="Teamleider")
    admin = Group.objects.get(name="Functioneel beheerder")
    user.groups.add(lead)
    admin.user_set.add(user)
    user.groups.remove(lead)
    user.groups.clear()
    assert events(user, Field.GROUPS) == [
        ("", "Teamleider"),
        ("Teamleider", "Functioneel beheerder, Teamleider"),
        ("Functioneel beheerder, Teamleider", "Functioneel beheerder"),
        ("Functioneel beheerder", ""),
    ]


def test_teams_a_team_lead_leads_are_recorded(akj):
    """Which teams a team lead leads decides whose caseload they see."""
    lead = UserFactory(role=User.Role.TEAM_LEAD, organisation=akj, leads=[])
    north = TeamFactory(organisation=akj, name="Noord")
    south = TeamFactory(organisation=akj, name="Zuid")
    north.leads.add(lead)
    lead.led_teams.add(south)
    south.leads.clear()
    assert events(lead, Field.LED_TEAMS) == [
        ("", "Noord"),
        ("Noord", "Noord, Zuid"),
        ("Noord, Zuid", "Noord"),
    ]


def test_second_factor_created_confirmed_and_removed(user):
    device = TOTPDeviceFactory(user=user, confirmed=False)
    assert confirm_device(device=device, token="000000") is False
    device.confirmed = True
    device.save()
    new_recovery_codes(user=user)
    device.delete()
    assert events(user, Field.SECOND_FACTOR) == [
        ("", "authenticator-app aangemaakt"),
        ("", "authenticator-app bevestigd"),
        ("", "herstelcodes bevestigd"),
        ("authenticator-app", "verwijderd"),
    ]


def test_the_request_user_is_the_actor(user, officer):
    """The middleware names the logged-in user of the request as the actor."""
    request = RequestFactory().get("/")
    request.user = officer

    def change(request):
        user.is_active = False
        user.save()
        return None

    AuditActorMiddleware(change)(request)
    event = UserAuditEvent.objects.get(subject=user, field=Field.IS_ACTIVE)
    assert (event.actor, event.old_value, event.new_value) == (officer, "ja", "nee")


def test_the_trail_is_append_only(user):
    """A saved row is never changed or deleted, not one by one, not in bulk."""
    event = UserAuditEvent.objects.filter(subject=user).first()
    event.new_value = "vervalst"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        UserAuditEvent.objects.filter(subject=user).update(new_value="vervalst")
    with pytest.raises(AppendOnlyError):
        UserAuditEvent.objects.filter(subject=user).delete()
    assert not UserAuditEvent.objects.filter(new_value="vervalst").exists()


def test_the_trail_is_read_only_in_the_admin(user):
    superuser = User.objects.create_superuser("root-audit", password="x")
    client = HttpClient()
    client.force_login(superuser)
    event = UserAuditEvent.objects.filter(subject=user).first()
    base = "admin:accounts_userauditevent"
    assert client.get(reverse(f"{base}_changelist")).status_code == 200
    assert client.get(reverse(f"{base}_add")).status_code == 403
    assert client.post(reverse(f"{base}_change", args=[event.pk]), {}).status_code == (
        403
    )
    assert (
        client.post(
            reverse(f"{base}_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert UserAuditEvent.objects.filter(pk=event.pk).exists()


# --- the privacy officer's page ---------------------------------------------------------


def test_privacy_officer_reads_the_trail_of_their_organisation(officer, user):
    """The page lists the changes of the officer's organisation's users,
    filtered by user; another organisation's users are not in it."""
    stranger = UserFactory(
        confidant=True, organisation=OrganisationFactory(client_support=True)
    )
    user.set_password("Nieuw-wachtwoord-2026!")
    user.save()
    client = HttpClient()
    client.force_login(officer)
    response = client.get(reverse("web:user_audit"))
    assert response.status_code == 200
    shown = {e.subject_id for e in response.context["page"]}
    assert user.pk in shown
    assert stranger.pk not in shown
    response = client.get(reverse("web:user_audit"), {"user": user.pk})
    assert {e.subject_id for e in response.context["page"]} == {user.pk}
    assert "wachtwoord" in response.content.decode()
    # A user of another organisation is no choice of the filter.
    response = client.get(reverse("web:user_audit"), {"user": stranger.pk})
    assert response.context["filterset"].form.errors
    assert "Wijzigingen gebruikers" in client.get("/").content.decode()


def test_user_audit_page_query_count_does_not_grow(
    officer, akj, django_assert_max_num_queries
):
    """The page costs a fixed number of queries, with few rows and many."""
    client = HttpClient()
    client.force_login(officer)
    url = reverse("web:user_audit")
    client.get(url)
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200
    for _ in range(30):
        UserFactory(confidant=True, organisation=akj)
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert len(response.context["page"]) == 50


def test_the_trail_outlives_a_deleted_account(user):
    """Deleting an account keeps its rows (with its name) and records the
    removal of its second factor."""
    TOTPDeviceFactory(user=user, confirmed=True)
    pk = user.pk
    user.delete()
    rows = UserAuditEvent.objects.filter(subject_id=pk)
    assert rows.filter(field=Field.ROLE).exists()
    assert rows.filter(field=Field.SECOND_FACTOR, new_value="verwijderd").exists()
    assert set(rows.values_list("subject_name", flat=True)) == {"vp-anna"}
