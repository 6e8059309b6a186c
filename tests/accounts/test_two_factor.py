"""Two-factor authentication (OWASP ASVS 2.7/2.8): with ``NAAST_REQUIRE_2FA``
on, a password alone reaches only the enrolment or verification page; a code
from the authenticator app or a single-use recovery code opens the rest, the
admin included."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from time_machine import TimeMachineFixture

from accounts.enrolment import enrolment_code_issue
from accounts.two_factor import new_recovery_codes
from tests.factories import DEMO_PASSWORD, TOTPDeviceFactory, UserFactory
from tests.support.two_factor import code_for

DASHBOARD = "/"
TWO_FACTOR_URLS = [
    "two_factor_setup",
    "two_factor_verify",
    "two_factor_recovery_codes",
]


#: How long django-otp makes the next try wait after one wrong code.
THROTTLE_WAIT = datetime.timedelta(seconds=1)


@pytest.fixture
def clock(time_machine: TimeMachineFixture) -> TimeMachineFixture:
    """The clock stands still from now on and moves only when the test moves it
    (``clock.shift``). django-otp's throttling (``timezone.now()``) and the
    authenticator's codes (``time.time()``) read this clock, so a test waits out
    the throttle without sleeping."""
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


@pytest.fixture
def require_2fa(settings) -> None:
    settings.NAAST_REQUIRE_2FA = True


@pytest.fixture
def user(db):
    return UserFactory(confidant=True)


@pytest.fixture
def enrolled(user) -> TOTPDevice:
    """``user`` with a confirmed authenticator app."""
    return TOTPDeviceFactory(user=user)


@pytest.fixture
def logged_in(client, user) -> HttpClient:
    """``user`` after the password step (no second factor yet)."""
    client.force_login(user)
    return client


def test_every_two_factor_page_needs_a_login(client, db):
    for name in TWO_FACTOR_URLS:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.usefixtures("require_2fa")
def test_password_alone_leads_to_enrolment(logged_in):
    """Without an authenticator, every page sends to enrolment, keeping the page
    asked for in ``next``."""
    response = logged_in.get(reverse("web:case_list") + "?page=2")
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor_setup") + "?" + urlencode(
        {"next": reverse("web:case_list") + "?page=2"}
    )
    assert logged_in.get(DASHBOARD).status_code == 302


@pytest.mark.usefixtures("require_2fa")
def test_enrolment_confirms_the_app_and_shows_recovery_codes_once(
    logged_in, user, clock
):
    code = enrolment_code_issue(user=user, issued_by=None)
    response = logged_in.post(
        reverse("two_factor_setup") + "?next=/zaken/", {"enrolment_code": code}
    )
    assert response.status_code == 302
    response = logged_in.get(reverse("two_factor_setup") + "?next=/zaken/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    assert response.context["secret"].replace(" ", "")
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed

    # A wrong code confirms nothing.
    response = logged_in.post(reverse("two_factor_setup"), {"code": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    device.refresh_from_db()
    assert not device.confirmed
    assert logged_in.get(DASHBOARD).status_code == 302

    # Right after it even the right code confirms nothing: the next try waits.
    response = logged_in.post(
        reverse("two_factor_setup"), {"code": code_for(device), "next": "/zaken/"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    device.refresh_from_db()
    assert not device.confirmed

    clock.shift(THROTTLE_WAIT)
    response = logged_in.post(
        reverse("two_factor_setup"), {"code": code_for(device), "next": "/zaken/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_recovery_codes"))
    device.refresh_from_db()
    assert device.confirmed

    response = logged_in.get(response["Location"])
    codes = response.context["codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    for code in codes:
        assert code in response.content.decode()
    assert response.context["next"] == "/zaken/"
    # Shown once: the next visit only says how many are left.
    response = logged_in.get(reverse("two_factor_recovery_codes"))
    assert response.context["codes"] is None
    assert response.context["left"] == 10
    assert codes[0] not in response.content.decode()
    # And the user is verified for the rest of the session.
    assert logged_in.get(DASHBOARD).status_code == 200


@pytest.mark.usefixtures("require_2fa")
def test_an_enrolled_user_cannot_enrol_another_app(logged_in, enrolled):
    """A stolen password cannot replace the authenticator: enrolment sends an
    enrolled user to verification and changes nothing."""
    response = logged_in.get(reverse("two_factor_setup"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    logged_in.post(reverse("two_factor_setup"), {"code": "123456"})
    assert list(TOTPDevice.objects.filter(user=enrolled.user)) == [enrolled]


@pytest.mark.usefixtures("require_2fa")
def test_verification_with_the_app(logged_in, enrolled, clock):
    response = logged_in.get(reverse("web:meeting_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))

    response = logged_in.post(
        reverse("two_factor_verify"), {"code": "999999", "next": "/"}
    )
    assert response.status_code == 200
    assert "klopt niet" in response.content.decode()
    assert logged_in.get(DASHBOARD).status_code == 302

    # Right after a wrong code even the right one is refused: the next try waits.
    response = logged_in.post(
        reverse("two_factor_verify"),
        {"code": code_for(enrolled), "next": reverse("web:meeting_list")},
    )
    assert response.status_code == 200
    assert "Te veel onjuiste codes" in response.content.decode()
    assert logged_in.get(DASHBOARD).status_code == 302

    clock.shift(THROTTLE_WAIT)
    response = logged_in.post(
        reverse("two_factor_verify"),
        {"code": code_for(enrolled), "next": reverse("web:meeting_list")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:meeting_list")
    assert logged_in.get(reverse("web:meeting_list")).status_code == 200


@pytest.mark.usefixtures("require_2fa")
def test_a_used_code_does_not_work_again(client, user, enrolled):
    code = code_for(enrolled)
    client.force_login(user)
    assert client.post(reverse("two_factor_verify"), {"code": code}).status_code == 302
    other = HttpClient()
    other.force_login(user)
    response = other.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 200
    assert other.get(DASHBOARD).status_code == 302


@pytest.mark.usefixtures("require_2fa")
def test_each_recovery_code_works_once(user, enrolled, clock):
    codes = new_recovery_codes(user=user)
    first = HttpClient()
    first.force_login(user)
    # Typed with a space and in capitals: still the same code.
    typed = codes[0][:4].upper() + " " + codes[0][4:]
    assert first.post(reverse("two_factor_verify"), {"code": typed}).status_code == 302
    assert first.get(DASHBOARD).status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9

    second = HttpClient()
    second.force_login(user)
    response = second.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert response.status_code == 200
    assert "al gebruikt" in response.content.decode()
    assert second.get(DASHBOARD).status_code == 302
    # Right after a wrong code even an unused one is refused, and stays unused.
    response = second.post(reverse("two_factor_verify"), {"code": codes[1]})
    assert response.status_code == 200
    assert second.get(DASHBOARD).status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == 9

    clock.shift(THROTTLE_WAIT)
    assert (
        second.post(reverse("two_factor_verify"), {"code": codes[1]}).status_code == 302
    )
    assert second.get(DASHBOARD).status_code == 200


@pytest.mark.usefixtures("require_2fa")
def test_new_recovery_codes_replace_the_old_ones(user, enrolled):
    old = new_recovery_codes(user=user)
    client = HttpClient()
    client.force_login(user)
    client.post(reverse("two_factor_verify"), {"code": code_for(enrolled)})
    response = client.post(reverse("two_factor_recovery_codes"))
    assert response.status_code == 302
    new = client.get(reverse("two_factor_recovery_codes")).context["codes"]
    assert len(new) == 10
    assert set(new).isdisjoint(old)
    assert set(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    ) == set(new)


@pytest.mark.usefixtures("require_2fa")
def test_unverified_users_reach_logout_language_and_session(logged_in, enrolled):
    assert (
        logged_in.post(reverse("web:session_extend"), {"next": "/"}).status_code == 302
    )
    response = logged_in.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert response.status_code == 302
    # An htmx request gets a full-page redirect to the verification.
    response = logged_in.get(reverse("web:case_list"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("two_factor_verify")
    assert logged_in.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in logged_in.session


@pytest.mark.usefixtures("require_2fa")
def test_next_never_leaves_the_site(logged_in, enrolled):
    response = logged_in.post(
        reverse("two_factor_verify"),
        {"code": code_for(enrolled), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("web:dashboard")


@pytest.mark.usefixtures("require_2fa")
def test_full_login_password_then_code(client, user, enrolled):
    response = client.post(
        reverse("login"), {"username": user.username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"code": code_for(enrolled)})
    assert client.get(DASHBOARD).status_code == 200


def test_switched_off_for_the_demo(logged_in):
    """``NAAST_REQUIRE_2FA=False`` (``make run``): the password is enough."""
    assert logged_in.get(DASHBOARD).status_code == 200
    assert logged_in.get(reverse("two_factor_setup")).status_code == 200


# --- the admin ------------------------------------------------------------------


@pytest.fixture
def staff(db):
    user = UserFactory(is_staff=True, is_superuser=True)
    TOTPDeviceFactory(user=user)
    return user


@pytest.mark.usefixtures("require_2fa")
def test_admin_needs_staff_and_a_second_factor(client, staff, user):
    admin_index = reverse("admin:index")
    # Anonymous: the application's login page (lockout and second factor).
    response = client.get(admin_index)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

    # Staff with a password only: the verification first.
    client.force_login(staff)
    response = client.get(admin_index)
    assert response["Location"].startswith(reverse("two_factor_verify"))
    device = TOTPDevice.objects.get(user=staff)
    client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert client.get(admin_index).status_code == 200

    # A verified caseworker who is not staff: refused.
    other = HttpClient()
    other.force_login(user)
    own = TOTPDeviceFactory(user=user)
    other.post(reverse("two_factor_verify"), {"code": code_for(own)})
    assert other.get(reverse("web:dashboard")).status_code == 200
    response = other.get(admin_index)
    assert response.status_code == 302
    assert other.get(response["Location"]).status_code == 403


def test_admin_is_at_the_configured_path(settings):
    assert reverse("admin:index") == "/" + settings.ADMIN_URL
    assert settings.ADMIN_URL != "admin/"


def test_admin_hides_second_factor_secrets(client, staff):
    client.force_login(staff)
    device = TOTPDevice.objects.get(user=staff)
    codes = new_recovery_codes(user=staff)
    page = client.get(
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    ).content.decode()
    assert device.key not in page
    page = client.get(
        reverse(
            "admin:otp_static_staticdevice_change",
            args=[staff.staticdevice_set.get().pk],
        )
    ).content.decode()
    assert not any(code in page for code in codes)


def test_the_pages_before_the_second_factor_exist_by_their_full_name() -> None:
    """Each allowed view name reverses and resolves to itself: a renamed or
    moved page is noticed here, and a page of another app with the same
    short name is not let through."""
    from django.urls import resolve, reverse

    from accounts.middleware import ALLOWED_BEFORE_SECOND_FACTOR

    for name in ALLOWED_BEFORE_SECOND_FACTOR:
        assert resolve(reverse(name)).view_name == name
