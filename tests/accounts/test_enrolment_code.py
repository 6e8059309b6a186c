"""A new account's second factor is enrolled only with the one-time
enrolment code the administrator handed out (shown once, stored hashed,
expiring, used once): someone with only the password cannot bind their own
authenticator to the account."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enrolment import Check, enrolment_code_check, enrolment_code_issue
from accounts.models import EnrolmentCode, User, UserAuditEvent
from tests.factories import TOTPDeviceFactory, UserFactory
from tests.support.two_factor import code_for

SETUP = "two_factor_setup"


@pytest.fixture(autouse=True)
def require_2fa(settings) -> None:
    settings.NAAST_REQUIRE_2FA = True


@pytest.fixture
def user(db) -> User:
    return UserFactory(confidant=True)


@pytest.fixture
def password_only(user) -> HttpClient:
    """Whoever has ``user``'s password, and nothing else."""
    client = HttpClient()
    client.force_login(user)
    return client


def test_password_alone_cannot_enrol_a_device(password_only, user):
    """Without the enrolment code the setup page shows no secret, and no code
    from any app confirms a device."""
    response = password_only.get(reverse(SETUP))
    assert response.status_code == 200
    assert "qr_code" not in response.context
    assert 'name="enrolment_code"' in response.content.decode()
    # Posting an authenticator code straight away confirms nothing.
    response = password_only.post(reverse(SETUP), {"code": "123456"})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    # Nor does a guessed enrolment code.
    response = password_only.post(reverse(SETUP), {"enrolment_code": "AAAA-BBBB-CCCC"})
    assert "geen geldige activeringscode" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert password_only.get("/").status_code == 302


def test_wrong_code_is_refused_and_counted(password_only, user):
    enrolment_code_issue(user=user, issued_by=None)
    response = password_only.post(reverse(SETUP), {"enrolment_code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 200
    assert "klopt niet" in " ".join(response.context["form"].errors["enrolment_code"])
    assert EnrolmentCode.objects.get(user=user).failed_attempts == 1
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_code_is_void_after_too_many_wrong_tries(password_only, user):
    code = enrolment_code_issue(user=user, issued_by=None)
    for _ in range(EnrolmentCode.MAX_ATTEMPTS):
        password_only.post(reverse(SETUP), {"enrolment_code": "AAAA-BBBB-CCCC"})
    response = password_only.post(reverse(SETUP), {"enrolment_code": code})
    assert "geen geldige activeringscode" in response.content.decode()
    assert "qr_code" not in response.context


def test_expired_code_is_refused(password_only, user):
    code = enrolment_code_issue(user=user, issued_by=None)
    EnrolmentCode.objects.filter(user=user).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = password_only.post(reverse(SETUP), {"enrolment_code": code})
    assert response.status_code == 200
    assert "verlopen" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_code_enrols_once_and_is_used_up(password_only, user, settings):
    """With the code, the user scans a fresh secret and confirms it; the code
    is spent (a second enrolment needs a new one) and the trail records it."""
    code = enrolment_code_issue(user=user, issued_by=None)
    assert EnrolmentCode.objects.get(user=user).code_hash != code
    # Lower case and spaces are fine: the code is read from a note.
    typed = code.lower().replace("-", " ")
    response = password_only.post(reverse(SETUP), {"enrolment_code": typed})
    assert response.status_code == 302
    response = password_only.get(reverse(SETUP))
    assert response.context["qr_code"].startswith("data:image/svg+xml")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = password_only.post(reverse(SETUP), {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert not EnrolmentCode.objects.filter(user=user).exists()
    assert UserAuditEvent.objects.filter(
        subject=user, field=UserAuditEvent.Field.ENROLMENT_CODE, new_value="gebruikt"
    ).exists()


def test_secret_shown_before_the_code_is_never_confirmed(password_only, user):
    """An unconfirmed device made before the code was given (for instance by
    the old page) is replaced once the code is accepted."""
    early = TOTPDeviceFactory(user=user, confirmed=False)
    code = enrolment_code_issue(user=user, issued_by=None)
    password_only.post(reverse(SETUP), {"enrolment_code": code})
    assert not TOTPDevice.objects.filter(pk=early.pk).exists()
    assert TOTPDevice.objects.get(user=user).bin_key != early.bin_key


def test_enrolled_users_are_not_affected(password_only, user):
    """A user with a confirmed authenticator verifies as before."""
    TOTPDeviceFactory(user=user, confirmed=True)
    response = password_only.get(reverse(SETUP))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_administrator_issues_a_new_code_shown_once(db, settings):
    """The admin action shows a new code once (any earlier one is void) and
    records who issued it; the e-mail action sends it to the user."""
    settings.NAAST_REQUIRE_2FA = False  # force_login has no second factor
    beheerder = UserFactory(functional_admin=True, username="beheerder")
    user = UserFactory(confidant=True, email="vp@example.nl")
    first = enrolment_code_issue(user=user, issued_by=None)
    client = HttpClient()
    client.force_login(beheerder)
    changelist = reverse("admin:accounts_user_changelist")
    response = client.post(
        changelist,
        {"action": "issue_enrolment_code", "_selected_action": [user.pk]},
        follow=True,
    )
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "Activeringscode voor" in shown
    assert first not in shown
    stored = EnrolmentCode.objects.get(user=user)
    assert stored.issued_by == beheerder
    assert UserAuditEvent.objects.filter(
        subject=user, actor=beheerder, field=UserAuditEvent.Field.ENROLMENT_CODE
    ).exists()
    # Shown once: the next page does not carry it.
    assert "Activeringscode voor" not in client.get(changelist).content.decode()
    client.post(
        changelist, {"action": "mail_enrolment_code", "_selected_action": [user.pk]}
    )
    assert mail.outbox[-1].to == ["vp@example.nl"]


def test_functional_admin_issues_no_code_for_a_privileged_account(db, settings):
    """A privileged account's second factor is a superuser's business."""
    settings.NAAST_REQUIRE_2FA = False
    beheerder = UserFactory(functional_admin=True, username="beheerder")
    colleague = UserFactory(functional_admin=True)
    colleague.groups.add(Group.objects.get(name="Functioneel beheerder"))
    client = HttpClient()
    client.force_login(beheerder)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "issue_enrolment_code", "_selected_action": [colleague.pk]},
    )
    assert not EnrolmentCode.objects.filter(user=colleague).exists()


def test_superuser_sees_the_code_when_creating_an_account(db, settings):
    settings.NAAST_REQUIRE_2FA = False
    superuser = User.objects.create_superuser("root-enrol", password="x")
    client = HttpClient()
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "nieuw",
            "usable_password": "true",
            "password1": "Lang-genoeg-wachtwoord-1",
            "password2": "Lang-genoeg-wachtwoord-1",
        },
        follow=True,
    )
    assert response.status_code == 200
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "Activeringscode voor nieuw" in shown
    assert f"{settings.NAAST_ENROLMENT_CODE_HOURS} uur" in shown
    assert EnrolmentCode.objects.filter(user__username="nieuw").exists()


def test_command_issues_a_code_for_the_first_superuser(db):
    """``createsuperuser`` has no administrator above it: the command prints
    a code that enrols the account, recorded without an actor."""
    root = User.objects.create_superuser("eerste", password="x")
    out = StringIO()
    call_command("issue_enrolment_code", "eerste", stdout=out)
    code = out.getvalue().strip()
    assert enrolment_code_check(user=root, code=code) is Check.OK
    event = UserAuditEvent.objects.get(
        subject=root, field=UserAuditEvent.Field.ENROLMENT_CODE
    )
    assert event.actor is None
