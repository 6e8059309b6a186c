"""The checklist for what holds client data, and for every URL, testing itself
(``docs/extending.md``, "Checklist").

Which models hold client data is derived, not listed (``client_data_models``):
``cases.Client``, every model whose manager has ``visible_to`` and every model
with a foreign key to one of those, again and again. Historical models
(django-simple-history) are left out: their rows go with their model's
(``retention.services._purge_history``). Each model that holds client data

(a) has a retention rule: it is among the rows a rule of
    ``retention.services.RULES`` destroys or anonymises, with what goes with
    it (``unretained``);
(b) appears in the AVG inzage export: ``cases.exports.client_export`` reads
    its table (``unexported``);
(c) has ``visible_to(user)`` on its manager (``without_visible_to``);

unless ``EXEMPT`` names it for that item with the reason, or ``GAPS`` lists it
as a known gap still to be closed (a test fails once a gap is closed, so that
the entry goes). And

(d) every URL Naast serves has a row in an access matrix (the ``MATRIX`` of a
    ``tests/test_access_*.py`` module), apart from the login, account and
    health pages of ``OUTSIDE_THE_MATRIX`` (``unmatrixed``). This walks the
    whole URL resolver (``tests.web.access.test_access_declarations.walk``);
    ``tests/web/access/test_access_matrix.py::test_every_url_is_in_the_matrix`` checks
    the same for the URL modules of cases, privacy and retention only.

Every check is a function of the models or URL patterns it is given, and a
test hands it a throwaway model or URL (never one in the code base) to show
that it fails for a new one that lacks the item.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable

from django.apps import apps
from django.db import connection, models
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext, isolate_apps
from django.urls import get_resolver, path
from django.utils import timezone

import tests.web.access
from cases.exports import client_export
from cases.models import Client
from config.access import shows_client_data
from tests.web.access.test_access_declarations import walk

#: This module adds no rows to the access matrices.
MATRIX: list = []

Model = type[models.Model]

# --- which models hold client data ----------------------------------------------------


def _is_historical(model: Model) -> bool:
    return hasattr(model, "instance_type")  # django-simple-history


def client_data_models(candidates: Iterable[Model]) -> list[str]:
    """The labels of the models among ``candidates`` that hold client data:
    ``cases.Client``, those with ``visible_to`` and those with a foreign key
    to one of them (transitively)."""
    pool = [m for m in candidates if not _is_historical(m)]
    holding = {
        m for m in pool if m is Client or hasattr(m._default_manager, "visible_to")
    }
    grew = True
    while grew:
        grew = False
        for model in pool:
            if model in holding:
                continue
            if any(
                field.concrete
                and (field.many_to_one or field.one_to_one)
                and field.related_model in holding
                for field in model._meta.get_fields()
            ):
                holding.add(model)
                grew = True
    return sorted(m._meta.label for m in holding)


#: Models that hold client data and, by design, lack an item: item → label →
#: why. ``a`` retention, ``b`` the inzage export, ``c`` ``visible_to``.
EXEMPT: dict[str, dict[str, str]] = {
    "a": {
        "audit.AccessLogEntry": "An append-only hash chain, kept at least 5 years "
        "(NEN 7513); no verifiable truncation yet (retention/services.py).",
        "cases.OutreachVisit": "Outlives the case opened from it and names no "
        "client: counts per institution (R7).",
        "cases.ClientAlias": "Two keys and no data: the client rows it joins are "
        "anonymised, never destroyed.",
        "privacy.DataBreach": "The register of data breaches (AVG art. 33(5)) "
        "names no client.",
    },
    "b": {
        "cases.OutreachVisit": "Names no client: a visit to an institution (R7).",
        "cases.ReminderSent": "Which caseworker was reminded of a deadline, and "
        "when: about the caseworker's work, not the client.",
        "roles.EmergencyAccess": "Its reads are in the export's access log "
        "(purpose 'noodtoegang').",
        "roles.ClientUserObjectPermission": "Who may open the file; the export "
        "names the supporters (assignments).",
        "roles.ClientGroupObjectPermission": "Who may open the file (as above).",
        "roles.CaseUserObjectPermission": "Who may open the case (as above).",
        "roles.CaseGroupObjectPermission": "Who may open the case (as above).",
        "privacy.DataSubjectRequest": "The export names the request it answers "
        "('request'); the other requests are the privacy officer's register.",
        "privacy.DataBreach": "Names no client.",
    },
    "c": {
        "audit.AccessLogEntry": "Read by the privacy officer per client file "
        "(about_file_of) within Client.objects.in_privacy_scope_of.",
        "cases.ClientAlias": "Read only by AccessLogQuerySet.about_file_of.",
        "cases.ReminderSent": "Written and read by the reminder task only.",
        "roles.ClientUserObjectPermission": "The visibility rule itself "
        "(roles.permissions) reads it, and the admin.",
        "roles.ClientGroupObjectPermission": "As above.",
        "roles.CaseUserObjectPermission": "As above.",
        "roles.CaseGroupObjectPermission": "As above.",
    },
}

#: Known gaps, to be closed (a term in ``NAAST_RETENTION`` and a rule, or a key
#: in the export): item → label → what is missing.
GAPS: dict[str, dict[str, str]] = {
    "a": {
        "cases.LinkRequest": "A pending registration holds the name typed in; "
        "no retention term yet.",
        "roles.Referral": "A referral holds what was copied for the other "
        "organisation; no retention term yet.",
        "privacy.DataSubjectRequest": "No retention term for the register of "
        "AVG requests yet.",
    },
    "b": {
        "cases.LinkRequest": "A registration waiting for the team lead is not "
        "in the inzage export.",
    },
    "c": {},
}


def _allowed(item: str) -> set[str]:
    return set(EXEMPT[item]) | set(GAPS[item])


# --- (a) retention ----------------------------------------------------------------------


def retained_models() -> set[str]:
    """The labels of every model a retention rule destroys or anonymises,
    with the rows that go with its rows (the rule's steps)."""
    from retention.services import RULES, _Plan

    plan = _Plan(
        today=timezone.localdate(),
        terms=dict.fromkeys((rule.key for rule in RULES), 1),
        dry_run=True,
    )
    labels = set()
    for rule in RULES:
        labels.add(rule.model._meta.label)
        steps = rule.steps(rule.model._default_manager.none(), plan)
        labels |= {model._meta.label for model, _rows in steps}
    return labels


def unretained(candidates: Iterable[Model]) -> list[str]:
    """Models holding client data that no retention rule takes."""
    retained = retained_models() | _allowed("a")
    return [label for label in client_data_models(candidates) if label not in retained]


# --- (b) the inzage export --------------------------------------------------------------


def export_sql(world) -> str:
    """The SQL ``client_export`` runs for the world's youth, whose file holds
    cases, a complaint, meetings, attendance, informal supporters, consents,
    family and conflicting interests."""
    youth = Client.objects.get(pk=world.objects["youth"])
    with CaptureQueriesContext(connection) as queries:
        client_export(client=youth, user=world.users["vp1"])
    return "\n".join(query["sql"] for query in queries.captured_queries)


def unexported(candidates: Iterable[Model], sql: str) -> list[str]:
    """Models holding client data whose table the export does not read."""
    by_label = {m._meta.label: m for m in candidates}
    return [
        label
        for label in client_data_models(candidates)
        if label not in _allowed("b")
        and connection.ops.quote_name(by_label[label]._meta.db_table) not in sql
    ]


# --- (c) visible_to ---------------------------------------------------------------------


def without_visible_to(candidates: Iterable[Model]) -> list[str]:
    """Models holding client data whose manager has no ``visible_to``."""
    by_label = {m._meta.label: m for m in candidates}
    return [
        label
        for label in client_data_models(candidates)
        if label not in _allowed("c")
        and not callable(getattr(by_label[label]._default_manager, "visible_to", None))
    ]


# --- (d) every URL has its access-matrix row --------------------------------------------

#: Pages outside the access matrices: url name → where their access is tested.
OUTSIDE_THE_MATRIX = {
    "login": "Public (test_access_matrix.test_login_page_is_public).",
    "logout": "Any session (test_session_clock, test_two_factor).",
    "set_language": "Public (test_access_matrix.test_login_page_is_public).",
    "health": "Public, no data (test_deploy).",
    "password_reset_confirm": "A signed link, no login (test_separation_of_duties).",
    "password_reset_complete": "After the reset, no login.",
    "two_factor_setup": "The login's own second step (test_two_factor).",
    "two_factor_verify": "The login's own second step (test_two_factor).",
    "two_factor_recovery_codes": "The login's own second step (test_two_factor).",
}


def matrix_url_names() -> set[str]:
    """Every url name with a row in the ``MATRIX`` of a ``test_access_*`` module."""
    names = set()
    for info in pkgutil.iter_modules(tests.web.access.__path__):
        if info.name.startswith("test_access"):
            module = importlib.import_module(f"tests.web.access.{info.name}")
            names |= {row[0] for row in module.MATRIX}
    return names


def unmatrixed(patterns) -> list[str]:
    """The url names under ``patterns`` without an access-matrix row."""
    covered = matrix_url_names() | set(OUTSIDE_THE_MATRIX)
    return sorted({name for _, name, _ in walk(patterns)} - covered)


# --- the checks on the code base --------------------------------------------------------


def test_the_models_holding_client_data_are_found():
    """The derivation finds the client's file, its cases and their content,
    the roles' records and the privacy registers, and no account data."""
    found = set(client_data_models(apps.get_models()))
    assert {
        "cases.Client",
        "cases.Family",
        "cases.SupportCase",
        "cases.Note",
        "cases.Meeting",
        "audit.AccessLogEntry",
        "roles.Assignment",
        "roles.Consent",
        "roles.InformalSupporter",
        "privacy.DataSubjectRequest",
    } <= found
    assert (
        not {"accounts.User", "accounts.Organisation", "reports.ReportFigures"} & found
    )
    assert not any(label.split(".")[1].startswith("Historical") for label in found)


def test_every_model_holding_client_data_has_a_retention_rule(db):
    """(a) Every model holding client data goes by a retention rule, or is
    exempt with its reason, or a listed gap."""
    assert unretained(apps.get_models()) == []


def test_every_model_holding_client_data_is_in_the_inzage_export(world):
    """(b) The inzage export reads every model holding client data, unless it
    is exempt with its reason, or a listed gap."""
    assert unexported(apps.get_models(), export_sql(world)) == []


def test_every_model_holding_client_data_has_visible_to():
    """(c) Every model holding client data is read through ``visible_to``,
    unless it is exempt with its reason."""
    assert without_visible_to(apps.get_models()) == []


def test_every_url_has_its_access_matrix_row():
    """(d) Every URL of the whole resolver has an access-matrix row, or is a
    login, account or health page tested elsewhere; none of those is stale."""
    assert unmatrixed(get_resolver().url_patterns) == []
    names = {name for _, name, _ in walk(get_resolver().url_patterns)}
    assert set(OUTSIDE_THE_MATRIX) <= names
    assert not set(OUTSIDE_THE_MATRIX) & matrix_url_names()


def test_exemptions_and_gaps_name_models_holding_client_data(world):
    """Every exemption and gap names a model that holds client data and lacks
    the item: a gap closed, or a model gone, must leave the lists."""
    found = set(client_data_models(apps.get_models()))
    retained = retained_models()
    sql = export_sql(world)
    by_label = {m._meta.label: m for m in apps.get_models()}
    for item in "abc":
        for label in set(EXEMPT[item]) | set(GAPS[item]):
            assert label in found, (item, label)
            model = by_label[label]
            has_it = {
                "a": label in retained,
                "b": connection.ops.quote_name(model._meta.db_table) in sql,
                "c": hasattr(model._default_manager, "visible_to"),
            }[item]
            assert not has_it, f"{label} has item {item}: drop its entry"
        assert not set(EXEMPT[item]) & set(GAPS[item]), item


# --- each check fails for a new model or URL that lacks the item ------------------------


@isolate_apps("cases")
def test_a_new_model_holding_client_data_fails_every_item(world):
    """A throwaway model with a foreign key to the client (in an isolated app
    registry, not in the code base) holds client data, and fails (a), (b)
    and (c) until it has a rule, an export key and ``visible_to``."""

    class Diary(models.Model):
        client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
        text = models.TextField()

        class Meta:
            app_label = "cases"

        def __str__(self) -> str:
            return self.text

    candidates = [*apps.get_models(), Diary]
    assert "cases.Diary" in client_data_models(candidates)
    assert unretained(candidates) == ["cases.Diary"]
    assert unexported(candidates, export_sql(world)) == ["cases.Diary"]
    assert without_visible_to(candidates) == ["cases.Diary"]


def test_a_new_url_without_a_matrix_row_fails():
    """A throwaway URL (not in the code base) without an access-matrix row
    fails (d) with its url name; the real ones pass beside it."""

    @shows_client_data
    def diary(request):
        return HttpResponse()

    patterns = [*get_resolver().url_patterns, path("dagboek/", diary, name="diary")]
    assert unmatrixed(patterns) == ["diary"]
