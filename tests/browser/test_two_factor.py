"""Two-factor authentication in a real browser: enrolment with the one-time
enrolment code and the authenticator app after the first password login, then
a later login with a recovery code.
Every page is checked with axe-core and for Content Security Policy violations."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.enrolment import enrolment_code_issue
from tests.factories import DEMO_PASSWORD, UserFactory
from tests.support.browser import LANGUAGES
from tests.support.two_factor import code_for


@pytest.mark.parametrize("language", LANGUAGES)
def test_enrolment_then_login_with_a_recovery_code(
    open_ui, settings, transactional_db, language
) -> None:
    settings.NAAST_REQUIRE_2FA = True
    user = UserFactory(confidant=True, username="otto")
    # Handed out of band by the administrator who made the account.
    enrolment_code = enrolment_code_issue(user=user, issued_by=None)
    ui = open_ui(language)
    page = ui.page

    ui.goto("login")
    ui.fill_login("otto", DEMO_PASSWORD)
    assert page.url.startswith(ui.url("two_factor_setup")), page.url
    expect(ui.heading("Tweestapsverificatie instellen", 1)).to_be_visible()
    ui.field("Activeringscode").fill(enrolment_code)
    ui.submit("Verder")
    expect(page.locator("img.naast-qr-code")).to_be_visible()
    device = TOTPDevice.objects.get(user=user)
    ui.field("Code").fill(code_for(device))
    ui.submit("Bevestigen")

    expect(ui.heading("Herstelcodes", 1)).to_be_visible()
    codes = page.locator(".naast-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    ui.follow("Ik heb de codes bewaard, ga verder")
    assert page.url == ui.url("web:dashboard"), page.url

    ui.click(ui.button("Uitloggen", within=page.locator("header")))
    ui.fill_login("otto", DEMO_PASSWORD)
    assert page.url.startswith(ui.url("two_factor_verify")), page.url
    expect(ui.heading("Code invoeren", 1)).to_be_visible()
    ui.field("Code").fill(codes[0])
    ui.submit("Controleren")
    assert page.url == ui.url("web:dashboard"), page.url
    ui.assert_accessible()
