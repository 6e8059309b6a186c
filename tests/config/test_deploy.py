"""Deployment: the load balancers' health endpoint and the static files that
WhiteNoise serves from the app server (hashed, compressed, with the CSP)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.urls import reverse


def test_health_is_public_json_and_writes_nothing(db, django_assert_num_queries):
    """Anonymous 200 {"status": "ok"}, after exactly one trivial query; no
    session cookie, no access-log row, not cached."""
    from audit.models import AccessLogEntry

    client = Client()
    with django_assert_num_queries(1):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok"}
    assert "sessionid" not in response.cookies
    assert "no-cache" in response["Cache-Control"]
    assert not AccessLogEntry.objects.exists()
    assert reverse("health") == "/gezondheid/"


def test_health_answers_head_and_refuses_post(db):
    client = Client()
    assert client.head(reverse("health")).status_code == 200
    assert client.post(reverse("health")).status_code == 405


def test_health_is_503_when_the_database_is_unavailable(db, monkeypatch):
    """The trivial query fails: 503 {"status": "unavailable"}, so the load
    balancer takes this server out of rotation."""
    from config import health

    class BrokenConnection:
        def cursor(self):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr(health, "connection", BrokenConnection())
    response = Client().get(reverse("health"))
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable"}
    assert int(response["Retry-After"]) > 0


def test_health_needs_no_second_factor(world, settings):
    """A logged-in user without a verified second factor is not redirected
    to the verification page: the check is exempt from the 2FA middleware."""
    settings.NAAST_REQUIRE_2FA = True
    client = Client()
    client.force_login(world.users["vp1"])
    assert client.get(reverse("web:dashboard")).status_code == 302
    assert client.get(reverse("health")).status_code == 200


def test_health_is_not_redirected_to_https(db, settings):
    """Load balancers check over plain http inside the network."""
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get(reverse("health")).status_code == 200
    assert client.get(reverse("login")).status_code == 301


PRODUCTION_STATIC = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}


@pytest.fixture(scope="module")
def _static_root(tmp_path_factory):
    """``collectstatic`` once per module, with the production storage (hashed
    names, gzip and Brotli copies), into a temporary STATIC_ROOT. The admin's
    files are left out to keep it quick."""
    from django.conf import settings
    from django.test import override_settings

    root = tmp_path_factory.mktemp("static")
    storages = {**settings.STORAGES, "staticfiles": PRODUCTION_STATIC}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command(
            "collectstatic", interactive=False, verbosity=0, ignore_patterns=["admin"]
        )
    return root


@pytest.fixture
def collected_static(settings, _static_root):
    """The collected files, served by WhiteNoise as in production (no finders,
    no autorefresh)."""
    settings.STATIC_ROOT = _static_root
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PRODUCTION_STATIC}
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_USE_FINDERS = False
    return _static_root


def test_whitenoise_serves_hashed_static_files_with_the_csp(db, collected_static):
    """The pages link the hashed name; WhiteNoise serves it with a long cache
    lifetime, compressed when asked, and with the Content Security Policy."""
    from django.templatetags.static import static

    url = static("css/naast.css")
    assert url != "/static/css/naast.css"  # hashed: naast.<hash>.css
    response = Client().get(url, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response["Cache-Control"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_login_page_links_the_collected_files(db, collected_static):
    """Every stylesheet and script the login page links exists after
    collectstatic and is served (no 404 behind the CSP)."""
    import re

    client = Client()
    page = client.get(reverse("login")).content.decode()
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_503_page_links_the_collected_files(collected_static):
    import re

    from config.health import database_unavailable_response

    page = database_unavailable_response().content.decode()
    links = re.findall(r'href="(/static/[^"]+)"', page)
    assert len(links) == 3
    for link in links:
        assert Client().get(link).status_code == 200, link


def test_reports_read_from_the_replica_and_nothing_else_does(monkeypatch):
    """With DATABASE_REPLICA_URL the router sends the municipal report's reads
    to the replica; other reads, every write and every migration stay on the
    primary."""
    from cases.models import SupportCase
    from config import db_routers

    router = db_routers.ReportsReplicaRouter()
    monkeypatch.setattr(db_routers, "has_replica", lambda: True)
    assert router.db_for_read(SupportCase) is None
    with db_routers.reading_from_replica():
        assert router.db_for_read(SupportCase) == "replica"
        assert router.db_for_write(SupportCase) is None
    assert router.db_for_read(SupportCase) is None
    assert router.allow_migrate("replica", "cases") is False
    assert router.allow_migrate("default", "cases") is True

    monkeypatch.setattr(db_routers, "has_replica", lambda: False)
    with db_routers.reading_from_replica():
        assert router.db_for_read(SupportCase) is None


def test_the_municipal_report_is_marked_for_the_replica(world, monkeypatch):
    """``reports.counting.municipal_report`` runs its queries inside
    ``reading_from_replica`` (the only code that does)."""
    from accounts.models import Municipality
    from config import db_routers
    from reports import counting as reports
    from reports.periods import Period

    seen = []
    bounds = reports._bounds

    def spy(*args, **kwargs):
        seen.append(db_routers.replica_active())
        return bounds(*args, **kwargs)

    monkeypatch.setattr(reports, "_bounds", spy)
    reports.municipal_report(
        municipality=Municipality.objects.get(), period=Period.whole_year(2025)
    )
    assert seen == [True]
    assert db_routers.replica_active() is False
