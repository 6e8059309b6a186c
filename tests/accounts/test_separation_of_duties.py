"""Separation of duties in the admin (ASVS 8.2), tried by HTTP as an attacker
would: the functional administrator ``beheerder`` cannot make themselves or
anyone else a privacy officer, team lead, functional administrator or member
of staff, cannot set another user's password, and sees no case titles;
nobody edits their own role, organisation or groups; no user's organisation
changes while they support clients."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import EnrolmentCode, Organisation, User, UserAuditEvent
from cases.models import SupportCase
from tests.factories import (
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    account,
    add_note,
    open_case,
)

CASE_TITLE = "Ruzie-4471 met de pleegouders over het zakgeld"
NOTE_TEXT = "Notitie-9183: vertelde over de avond thuis"


def change_url(obj: Any) -> str:
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]
    )


def form_data(response) -> dict[str, Any]:
    """What the admin change form would post unchanged."""
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, forms.MultiWidget):
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{i}"] = part.isoformat() if part else ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = value
    return data


@pytest.fixture
def akj(db) -> Organisation:
    return OrganisationFactory(akj=True)


@pytest.fixture
def beheerder(akj) -> User:
    """The functional administrator of the issue: staff, in their group."""
    return UserFactory(functional_admin=True, organisation=akj, username="beheerder")


@pytest.fixture
def root(db) -> User:
    return account("root", superuser=True, email="r@example.nl")


@pytest.fixture
def confidant(akj) -> User:
    """A confidant supporting a client (an assignment without an end)."""
    user = UserFactory(confidant=True, organisation=akj, username="vp-lisa")
    case = open_case(user, title=CASE_TITLE)
    add_note(user, case, NOTE_TEXT)
    return user


def login(user: User) -> HttpClient:
    client = HttpClient()
    client.force_login(user)
    return client


def test_functional_admin_cannot_make_themselves_privacy_officer(beheerder):
    """``beheerder`` posts role=privacy_officer on their own account: the role
    is not theirs to edit, nothing changes."""
    client = login(beheerder)
    url = change_url(beheerder)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("role", "organisation", "is_staff", "groups", "is_superuser"):
        assert f'name="{field}"' not in html, field
    data = form_data(response)
    data.update(role=User.Role.PRIVACY_OFFICER, is_staff="on", is_superuser="on")
    data["groups"] = [str(Group.objects.get(name="Teamleider").pk)]
    client.post(url, data)
    beheerder.refresh_from_db()
    assert beheerder.role == User.Role.FUNCTIONAL_ADMIN
    assert not beheerder.is_superuser
    assert list(beheerder.groups.values_list("name", flat=True)) == [
        "Functioneel beheerder"
    ]
    assert not UserAuditEvent.objects.filter(
        subject=beheerder, field=UserAuditEvent.Field.ROLE, actor=beheerder
    ).exists()


@pytest.mark.parametrize(
    "role",
    [User.Role.PRIVACY_OFFICER, User.Role.TEAM_LEAD, User.Role.FUNCTIONAL_ADMIN],
)
def test_functional_admin_cannot_create_a_privileged_user(beheerder, akj, role):
    """``beheerder`` creates a (staff) user with a privileged role: refused
    with a form error, no user is made."""
    client = login(beheerder)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "handlanger",
            "email": "handlanger@example.nl",
            "first_name": "Hand",
            "last_name": "Langer",
            "organisation": akj.pk,
            "role": role,
            "is_staff": "on",
            "password1": "Zeer-geheim-2026!",
            "password2": "Zeer-geheim-2026!",
        },
    )
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert "Alleen een superuser" in response.content.decode()
    assert not User.objects.filter(username="handlanger").exists()


def test_functional_admin_cannot_give_another_user_a_privileged_role(
    beheerder, confidant
):
    """Nor on another user's account: a form error, the role stays."""
    client = login(beheerder)
    url = change_url(confidant)
    data = form_data(client.get(url))
    data["role"] = User.Role.TEAM_LEAD
    response = client.post(url, data)
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    confidant.refresh_from_db()
    assert confidant.role == User.Role.AKJ_CONFIDANT


def test_functional_admin_cannot_change_a_privileged_users_email(beheerder, akj):
    """A privacy officer's e-mail address (where a reset link goes),
    organisation and active flag are a superuser's to change."""
    officer = UserFactory(
        role=User.Role.PRIVACY_OFFICER, organisation=akj, is_staff=True
    )
    client = login(beheerder)
    url = change_url(officer)
    response = client.get(url)
    html = response.content.decode()
    for field in ("email", "role", "organisation", "is_active"):
        assert f'name="{field}"' not in html, field
    data = form_data(response)
    data["email"] = "beheerder@example.nl"
    data.pop("is_active", None)  # an unticked box: switch the officer off
    client.post(url, data)
    officer.refresh_from_db()
    assert officer.email != "beheerder@example.nl"
    assert officer.is_active


def test_functional_admin_cannot_set_passwords(beheerder, confidant):
    """No password page and no link to it; a POST to it is refused and the
    password stays."""
    client = login(beheerder)
    response = client.get(change_url(confidant))
    html = response.content.decode()
    password_url = reverse("admin:auth_user_password_change", args=[confidant.pk])
    assert password_url not in html
    assert 'href="../password/"' not in html
    before = confidant.password
    assert client.get(password_url).status_code == 403
    response = client.post(
        password_url,
        {
            "password1": "Overgenomen-2026!",
            "password2": "Overgenomen-2026!",
            "usable_password": "true",
        },
    )
    assert response.status_code == 403
    confidant.refresh_from_db()
    assert confidant.password == before


def test_functional_admin_sends_a_reset_link_instead(beheerder, confidant):
    """The admin action e-mails the user a one-time link to set a password
    themselves; the link works, and the trail records who sent it."""
    client = login(beheerder)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_password_reset_link", "_selected_action": [confidant.pk]},
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [confidant.email]
    link = next(line for line in message.body.splitlines() if "/wachtwoord/" in line)
    assert UserAuditEvent.objects.filter(
        subject=confidant, actor=beheerder, new_value="herstellink verstuurd"
    ).exists()
    # The user follows the link and sets a new password.
    anonymous = HttpClient()
    response = anonymous.get(urlsplit(link.strip()).path)
    assert response.status_code == 302  # to the same page without the token
    form_url = response["Location"]
    response = anonymous.post(
        form_url,
        {"new_password1": "Eigen-keuze-2026!", "new_password2": "Eigen-keuze-2026!"},
    )
    assert response.status_code == 302
    confidant.refresh_from_db()
    assert confidant.check_password("Eigen-keuze-2026!")
    event = UserAuditEvent.objects.get(
        subject=confidant, field=UserAuditEvent.Field.PASSWORD, new_value="gewijzigd"
    )
    assert event.actor == confidant
    assert "Eigen-keuze" not in event.old_value + event.new_value


def test_functional_admin_creates_accounts_without_a_password(beheerder, akj):
    """The add form has no password fields; the new user gets a reset link by
    e-mail, and the administrator sees the enrolment code once."""
    team = TeamFactory(organisation=akj)
    client = login(beheerder)
    response = client.get(reverse("admin:accounts_user_add"))
    assert 'name="password1"' not in response.content.decode()
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "vp-nieuw",
            "email": "vp-nieuw@example.nl",
            "first_name": "Noor",
            "last_name": "Nieuw",
            "organisation": akj.pk,
            "team": team.pk,
            "role": User.Role.AKJ_CONFIDANT,
        },
        follow=True,
    )
    assert response.status_code == 200
    user = User.objects.get(username="vp-nieuw")
    assert user.has_usable_password()
    assert [m.to for m in mail.outbox] == [["vp-nieuw@example.nl"]]
    shown = [str(m) for m in response.context["messages"]]
    assert any("Activeringscode voor vp-nieuw" in m for m in shown)
    assert EnrolmentCode.objects.filter(user=user, issued_by=beheerder).exists()


def test_nobody_edits_their_own_role_not_even_a_superuser(root, akj):
    """A superuser's own role, organisation, staff flag and groups are read
    only on their own page: posted values change nothing."""
    client = login(root)
    url = change_url(root)
    response = client.get(url)
    html = response.content.decode()
    for field in ("role", "organisation", "is_staff", "groups"):
        assert f'name="{field}"' not in html, field
    data = form_data(response)
    data.update(role=User.Role.PRIVACY_OFFICER, organisation=akj.pk)
    client.post(url, data)
    root.refresh_from_db()
    assert root.role == ""
    assert root.organisation_id is None


def test_superuser_grants_a_privileged_role_and_it_is_recorded(root, akj):
    """A superuser may make someone a privacy officer (not themselves); the
    trail records who, whom, old and new value."""
    user = UserFactory(organisation=akj, role=User.Role.DECISION_MAKER)
    client = login(root)
    url = change_url(user)
    data = form_data(client.get(url))
    data.update(role=User.Role.PRIVACY_OFFICER, is_staff="on")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.role == User.Role.PRIVACY_OFFICER
    event = UserAuditEvent.objects.filter(
        subject=user, field=UserAuditEvent.Field.ROLE
    ).first()  # the newest
    assert (event.actor, event.old_value, event.new_value) == (
        root,
        User.Role.DECISION_MAKER,
        User.Role.PRIVACY_OFFICER,
    )
    assert UserAuditEvent.objects.filter(
        subject=user, field=UserAuditEvent.Field.IS_STAFF, new_value="ja"
    ).exists()


def test_no_organisation_change_while_supporting_clients(root, confidant):
    """A confidant with an open assignment keeps their organisation: a clear
    form error, nothing changed (the case would leave the organisation)."""
    other = OrganisationFactory(client_support=True)
    client = login(root)
    url = change_url(confidant)
    data = form_data(client.get(url))
    data.update(organisation=other.pk, team="")
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "ondersteunt nog cliënten" in " ".join(errors["organisation"])
    confidant.refresh_from_db()
    assert confidant.organisation.kind == Organisation.Kind.AKJ


def test_functional_admin_sees_no_case_titles_or_notes(beheerder, confidant):
    """Every admin changelist, change and history page the functional
    administrator may open shows no case title and no note text; a superuser
    sees the title."""
    client = login(beheerder)
    request = RequestFactory().get("/")
    request.user = beheerder
    seen = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        opts = model._meta
        urls = [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls.append(change_url(obj))
            urls.append(change_url(obj).replace("/change/", "/history/"))
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404), url
            html = response.content.decode()
            assert "Ruzie-4471" not in html, url
            assert "Notitie-9183" not in html, url
        seen.append(opts.label)
    assert "cases.SupportCase" in seen
    case = SupportCase.objects.get(title=CASE_TITLE)
    response = client.get(change_url(case))
    assert 'name="title"' not in response.content.decode()
    superuser = login(User.objects.create_superuser("root-2", password="x"))
    assert CASE_TITLE in superuser.get(change_url(case)).content.decode()


def test_a_team_never_moves_to_another_organisation(root, akj):
    """A team's organisation is read only once it exists, for everyone."""
    team = TeamFactory(organisation=akj)
    html = login(root).get(change_url(team)).content.decode()
    assert 'name="organisation"' not in html
