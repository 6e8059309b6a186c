"""The idle clock of a session (``accounts.session_clock``): every request of a
logged-in user restarts it, but the session row and cookie are written at most
once a minute; the pages and htmx answers tell the timeout warning the real
seconds left, and the extend button always restarts it."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts import session_clock
from tests.factories import UserFactory

COOKIE = django_settings.SESSION_COOKIE_NAME


@pytest.fixture
def clock(monkeypatch):
    """The session clock's 'now', moved by the test."""
    now = {"t": 1_800_000_000}
    monkeypatch.setattr(session_clock, "_now", lambda: now["t"])
    return now


@pytest.fixture
def logged_in(client, db, clock):
    client.force_login(UserFactory(confidant=True))  # starts the clock
    return client


def _expiry(client):
    return Session.objects.get(session_key=client.cookies[COOKIE].value).expire_date


def _seconds_on_page(response) -> int:
    return int(re.search(r'data-session-seconds="(\d+)"', response.content.decode())[1])


def test_the_first_page_after_logging_in_writes_no_session(logged_in):
    """Logging in wrote the session and started the clock."""
    response = logged_in.get(reverse("web:dashboard"))
    assert COOKIE not in response.cookies
    assert _seconds_on_page(response) == django_settings.SESSION_COOKIE_AGE


def test_a_request_within_the_minute_writes_no_session(logged_in, clock):
    expiry = _expiry(logged_in)
    clock["t"] += 30
    response = logged_in.get(reverse("web:dashboard"))
    assert response.status_code == 200
    assert COOKIE not in response.cookies
    assert _expiry(logged_in) == expiry
    # The warning counts from the real end: 30 seconds are gone.
    assert _seconds_on_page(response) == django_settings.SESSION_COOKIE_AGE - 30


def test_a_request_after_the_minute_restarts_the_clock(logged_in, clock):
    expiry = _expiry(logged_in)
    clock["t"] += 61
    response = logged_in.get(reverse("web:dashboard"))
    assert response.cookies[COOKIE]["max-age"] == django_settings.SESSION_COOKIE_AGE
    assert _expiry(logged_in) > expiry
    assert _seconds_on_page(response) == django_settings.SESSION_COOKIE_AGE
    # And the next minute starts from there.
    clock["t"] += 10
    response = logged_in.get(reverse("web:dashboard"))
    assert COOKIE not in response.cookies
    assert _seconds_on_page(response) == django_settings.SESSION_COOKIE_AGE - 10


def test_the_extend_button_always_restarts_the_clock(logged_in, clock):
    expiry = _expiry(logged_in)
    clock["t"] += 5
    response = logged_in.post(
        reverse("web:session_extend"), HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 204
    assert response.cookies[COOKIE]["max-age"] == django_settings.SESSION_COOKIE_AGE
    assert _expiry(logged_in) >= expiry
    clock["t"] += 1
    response = logged_in.get(reverse("web:dashboard"))
    assert _seconds_on_page(response) == django_settings.SESSION_COOKIE_AGE - 1


def test_an_htmx_answer_says_the_seconds_left(logged_in, clock):
    clock["t"] += 40
    response = logged_in.get(reverse("web:dashboard"), HTTP_HX_REQUEST="true")
    assert response[session_clock.SECONDS_HEADER] == str(
        django_settings.SESSION_COOKIE_AGE - 40
    )


def test_an_anonymous_visit_gets_no_session_and_no_clock(client, db, clock):
    response = client.get(reverse("login"))
    assert COOKIE not in response.cookies
    assert session_clock.SECONDS_HEADER not in response
    assert not Session.objects.exists()


def test_the_health_check_leaves_a_logged_in_session_alone(logged_in, clock):
    clock["t"] += 120
    response = logged_in.get(reverse("health"))
    assert COOKIE not in response.cookies


def test_logging_out_ends_the_session_whatever_the_clock(logged_in, clock):
    key = logged_in.cookies[COOKIE].value
    logged_in.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
