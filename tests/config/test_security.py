"""Security hardening (OWASP ASVS level 2): brute-force lockout, the Content
Security Policy (and no inline script or style to need an exception), cookies,
HSTS, framing, and ``manage.py check --deploy`` with production settings."""

from __future__ import annotations

import datetime
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from tests.factories import DEMO_PASSWORD, UserFactory

REPO = Path(__file__).resolve().parents[2]
EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'"
)

# --- brute-force protection (django-axes) -------------------------------------------


@pytest.fixture
def axes_on(settings) -> None:
    settings.AXES_ENABLED = True


@pytest.fixture
def user(db):
    return UserFactory(confidant=True, username="vp-slot")


def log_in(client: HttpClient, username: str, password: str):
    return client.post(
        reverse("login"), {"username": username, "password": password}, follow=False
    )


@pytest.mark.usefixtures("axes_on")
def test_five_wrong_passwords_lock_the_account_for_this_address(client, user):
    for attempt in range(1, 5):
        response = log_in(client, "vp-slot", "fout-wachtwoord")
        assert response.status_code == 200, attempt  # the form, with an error
    response = log_in(client, "vp-slot", "fout-wachtwoord")
    assert response.status_code == 429
    # Now even the right password is refused, with a clear Dutch message.
    response = log_in(client, "vp-slot", DEMO_PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Inloggen tijdelijk geblokkeerd" in page
    assert "de komende 15 minuten niet inloggen" in page
    assert "_auth_user_id" not in client.session

    # The lock is per username and address: elsewhere the account still works,
    # and at this address another account is not locked.
    elsewhere = HttpClient(REMOTE_ADDR="198.51.100.7")
    assert log_in(elsewhere, "vp-slot", DEMO_PASSWORD).status_code == 302
    other = UserFactory(username="vp-ander")
    assert log_in(HttpClient(), other.username, DEMO_PASSWORD).status_code == 302


@pytest.mark.usefixtures("axes_on")
def test_after_the_cool_off_the_right_password_works(client, user):
    for _ in range(5):
        log_in(client, "vp-slot", "fout-wachtwoord")
    assert log_in(client, "vp-slot", DEMO_PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=16)
    )
    response = log_in(client, "vp-slot", DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    # A successful login resets the count.
    assert not AccessAttempt.objects.filter(username="vp-slot").exists()


def test_lockout_settings():
    assert django_settings.AXES_FAILURE_LIMIT == 5
    assert datetime.timedelta(minutes=15) == django_settings.AXES_COOLOFF_TIME
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert django_settings.AUTHENTICATION_BACKENDS[0] == (
        "axes.backends.AxesStandaloneBackend"
    )
    assert "guardian.backends.ObjectPermissionBackend" in (
        django_settings.AUTHENTICATION_BACKENDS
    )


# --- Content Security Policy -------------------------------------------------------


def assert_hardened(response) -> None:
    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_carry_the_csp(client, world):
    """The policy on the login page and a caseworker's page; ``check_access``
    (tests/support/world.py) checks that every page an access matrix allows carries
    it too."""
    assert_hardened(client.get(reverse("login")))
    client.force_login(world.users["vp1"])
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 200
    assert_hardened(response)


INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"\shx-on[:-]", re.I), "hx-on handler (evaluated as script)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def project_templates() -> list[Path]:
    skip = {".venv", "node_modules", "var", ".git"}
    return [
        path
        for path in REPO.rglob("*.html")
        if "templates" in path.parts and not skip & set(path.parts)
    ]


def test_no_template_has_inline_script_or_style():
    """The CSP allows scripts and styles from our static files only; inline code
    or a style attribute would be blocked in the browser."""
    templates = project_templates()
    assert len(templates) > 20
    found = []
    for path in templates:
        text = path.read_text()
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(REPO)}:{line}: {what}")
    assert found == []


def test_htmx_adds_no_inline_style(client, db):
    """htmx's own indicator <style> element is switched off (meta htmx-config)."""
    page = client.get(reverse("login")).content.decode()
    assert (
        '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>'
        in page
    )


# --- cookies, HSTS, https ----------------------------------------------------------


def test_session_and_csrf_cookies_are_secure(client, user):
    response = client.get(reverse("login"))
    csrf = response.cookies[django_settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] is True
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"
    response = log_in(client, "vp-slot", DEMO_PASSWORD)
    session = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    # Sessions end after 15 idle minutes; every request restarts the clock, at
    # most once a minute (tests/accounts/test_session_clock.py).
    assert session["max-age"] == 15 * 60
    assert django_settings.NAAST_SESSION_REFRESH_SECONDS == 60


def test_hsts_on_https(client, db):
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_http_is_redirected_to_https(settings, db):
    settings.SECURE_SSL_REDIRECT = True
    response = HttpClient().get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver" + reverse("login")


# --- check --deploy ------------------------------------------------------------------


def test_check_deploy_warns_without_a_person_key_secret(tmp_path):
    """Without ``NAAST_PERSON_KEY_SECRET`` the deploy check warns: the person
    key would otherwise change with every rotation of SECRET_KEY."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_", "NAAST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="naast.example.nl",
        EMAIL_URL="smtp+tls://naast:secret@smtp.example.nl:587",
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "naast.W001" in result.stdout + result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    """``manage.py check --deploy`` finds nothing with the production settings
    module and a production environment (the output is in the README)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_", "NAAST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="naast.example.nl",
        # Production sends the reminders by SMTP (Django refuses the console).
        EMAIL_URL="smtp+tls://naast:secret@smtp.example.nl:587",
        NAAST_PERSON_KEY_SECRET=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
