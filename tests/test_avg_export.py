"""Inzage (art. 15 AVG): the privacy officer exports everything the
organisation holds about one client, as JSON and as a PDF, with the other
family members' data left out; every download is one EXPORT row in the access
log (NEN 7513)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Municipality, Organisation
from cases import exports, services
from cases.models import AccessLogEntry, Application, Family, SupportCase
from roles import services as role_services
from roles.models import Assignment, Consent
from roles.policy import SupportRole
from tests.conftest import World, access_log_queries

#: What belongs to the other family member and must never be in the export.
OTHER_MEMBER = ["Xanthippe", "Oosterhuis-Vlam", "Ottoline", "Geheime notitie"]


@pytest.fixture
def zwanenburg(privacy_world: World) -> World:
    """Quirijn Zwanenburg (confidant vp1) and his mother Xanthippe
    Oosterhuis-Vlam (confidant vp2) in one family, each with their own case,
    note and informal supporter; Quirijn with care, an application, a held
    meeting with his aunt present, consents and a shared summary."""
    world = privacy_world
    vp1, vp2 = world.users["vp1"], world.users["vp2"]
    gemeente = Municipality.objects.get(cbs_code="GM0344")
    provider = Organisation.objects.get(name="Jeugdzorg Midden")
    family = Family.objects.create(name="Gezin Zwanenburg")
    case = services.client_register(
        actor=vp1,
        first_name="Quirijn",
        last_name="Zwanenburg",
        date_of_birth=datetime.date(2010, 3, 3),
        kind="youth",
        municipality=gemeente,
        case_kind="complaint",
        case_title="Klacht over de plaatsing",
        family=family,
        relation="zoon",
    )
    mother = services.client_register(
        actor=vp2,
        first_name="Xanthippe",
        last_name="Oosterhuis-Vlam",
        date_of_birth=datetime.date(1980, 1, 1),
        kind="parent",
        municipality=gemeente,
        case_kind="question",
        case_title="Vraag over het gezag",
        family=family,
        relation="moeder",
    )
    services.note_add(actor=vp2, case=mother, text="Geheime notitie over de moeder")
    role_services.informal_supporter_add(
        actor=vp2, client=mother.client, name="Ottoline Brandsma", relation="buurvrouw"
    )
    services.conflict_record(
        actor=vp1,
        client_a=case.client,
        client_b=mother.client,
        description="Xanthippe wil het gezag",
    )
    client = case.client
    services.note_add(actor=vp1, case=case, text="Quirijn vertelt over de groep.")
    services.care_record(
        actor=vp1,
        client=client,
        provider=provider,
        kind="jeugdhulp",
        started_on=datetime.date(2025, 1, 6),
    )
    Application.objects.create(
        client=client,
        municipality=gemeente,
        care_kind="jeugdhulp",
        description="Begeleid wonen",
        submitted_on=datetime.date(2025, 2, 1),
    )
    meeting = services.meeting_plan(
        actor=vp1,
        case=case,
        kind="question_complaint",
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        provider=provider,
    )
    aunt = role_services.informal_supporter_add(
        actor=vp1, client=client, name="Tante Wilhelmina", relation="tante"
    )
    assignment = role_services.assignment_start(
        actor=vp1,
        case=case,
        role=SupportRole.INFORMAL_SUPPORTER,
        informal_supporter=aunt,
        at_clients_request=True,
    )
    role_services.attendance_invite(
        actor=vp1,
        meeting=meeting,
        assignment=assignment,
        requested_by_client=True,
        consent_given_on=timezone.localdate(),
    )
    services.meeting_set_status(actor=vp1, meeting=meeting, status="held")
    role_services.consent_record(
        actor=vp1,
        informal_supporter=aunt,
        item=Consent.Item.MEETING_SUMMARY,
        meeting=meeting,
        given_on=timezone.localdate(),
    )
    role_services.meeting_summary_share(
        by=vp1, meeting=meeting, informal_supporter=aunt
    )
    world.objects["quirijn"] = client.pk
    world.objects["quirijn_case"] = case.pk
    return world


def _download(client, world: World, name: str):
    client.force_login(world.users["po"])
    return client.get(reverse(name, args=[world.objects["quirijn"]]))


def test_the_json_holds_the_clients_data(client, zwanenburg) -> None:
    """The JSON export holds the client's identity, own family membership,
    care, application, case with complaint, meeting, attendance and note,
    informal supporter, consents and the shared summary, with a schema version
    and ISO dates."""
    response = _download(client, zwanenburg, "privacy_client_export_json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    pk = zwanenburg.objects["quirijn"]
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="inzage-{pk}-{today}.json"'
    )
    data = json.loads(response.content)
    assert data["schema"] == exports.SCHEMA
    assert datetime.datetime.fromisoformat(data["generated_at"])
    assert data["client"]["first_name"] == "Quirijn"
    assert data["client"]["date_of_birth"] == "2010-03-03"
    assert data["families"] == [
        {
            "family": "Gezin Zwanenburg",
            "relation": "zoon",
            "member_count": 2,
            "conflicting_interests": 1,
        }
    ]
    assert data["care"][0]["started_on"] == "2025-01-06"
    assert data["applications"][0]["description"] == "Begeleid wonen"
    [case] = data["cases"]
    assert case["complaint"]["stage"] == "formulating"
    assert [n["text"] for n in case["notes"]] == ["Quirijn vertelt over de groep."]
    [meeting] = case["meetings"]
    assert meeting["status"] == "held"
    supporters = {a["supporter"] for a in meeting["attendances"]}
    assert supporters == {"Tante Wilhelmina (tante)"}
    assert [s["name"] for s in data["informal_supporters"]] == ["Tante Wilhelmina"]
    assert {c["item"] for c in data["consents"]} == {
        "meeting_invitation",
        "meeting_summary",
    }
    assert [s["item"] for s in data["shared_items"]] == ["meeting_summary"]


def test_the_json_leaves_out_the_other_family_member(client, zwanenburg) -> None:
    """The export names no other family member: not their name, case, note,
    informal supporter or the conflict's description; the family is at most
    "a family with 2 members"."""
    text = _download(client, zwanenburg, "privacy_client_export_json").content
    for word in [*OTHER_MEMBER, "Xanthippe wil het gezag", "Vraag over het gezag"]:
        assert word.encode() not in text, word


def test_the_pdf_leaves_out_the_other_family_member(
    client, zwanenburg, monkeypatch
) -> None:
    """The PDF is an A4 document rendered from HTML that holds the client's
    data and nothing of the other family member."""
    rendered: list[str] = []
    real = exports.export_pdf

    def capture(html: str) -> bytes:
        rendered.append(html)
        return real(html)

    monkeypatch.setattr("cases.views.privacy.export_pdf", capture)
    response = _download(client, zwanenburg, "privacy_client_export_pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="inzage-{zwanenburg.objects["quirijn"]}-'
    )
    [html] = rendered
    for expected in ["Quirijn", "Quirijn vertelt over de groep.", "Tante Wilhelmina"]:
        assert expected in html
    assert "gezin met 2 leden" in html
    for word in OTHER_MEMBER:
        assert word not in html, word


def test_each_download_writes_one_export_row(client, zwanenburg) -> None:
    """Every download writes exactly one access-log row with action EXPORT,
    naming the client and the format (NEN 7513)."""
    pk = zwanenburg.objects["quirijn"]
    exports_of = AccessLogEntry.objects.filter(action="export", client_id=pk)
    assert not exports_of.exists()
    _download(client, zwanenburg, "privacy_client_export_json")
    _download(client, zwanenburg, "privacy_client_export_pdf")
    rows = list(exports_of.order_by("pk"))
    assert [r.object_type for r in rows] == ["avg_export_json", "avg_export_pdf"]
    assert {r.user for r in rows} == {zwanenburg.users["po"]}
    assert rows[0].object_label == f"inzage-export van de cliënt (JSON) {pk}"
    # Nothing else was logged by the downloads.
    assert AccessLogEntry.objects.filter(client_id=pk).count() == 2


def test_the_export_page_is_logged_and_linked(client, zwanenburg) -> None:
    """The export page is linked from the client's access history and its read
    is logged like every page that shows a client."""
    pk = zwanenburg.objects["quirijn"]
    client.force_login(zwanenburg.users["po"])
    history = client.get(reverse("client_access_history", args=[pk]))
    assert reverse("privacy_client_export", args=[pk]) in history.text
    page = client.get(reverse("privacy_client_export", args=[pk]))
    assert reverse("privacy_client_export_pdf", args=[pk]) in page.text
    assert AccessLogEntry.objects.filter(
        client_id=pk, action="read", object_type="avg_export"
    ).exists()


def test_the_clients_own_confidant_cannot_export(client, zwanenburg) -> None:
    """Only the privacy officer answers an inzage request: the client's own
    confidant gets 404 on the export, and nothing is logged."""
    pk = zwanenburg.objects["quirijn"]
    client.force_login(zwanenburg.users["vp1"])
    before = AccessLogEntry.objects.count()
    for name in [
        "privacy_client_export",
        "privacy_client_export_json",
        "privacy_client_export_pdf",
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404
    assert AccessLogEntry.objects.count() == before


def test_the_export_holds_the_officers_organisation_cases(client, world) -> None:
    """The export holds the cases of the privacy officer's organisation: an
    AKJ officer gets the AKJ's cases of the youth, not the client supporter's."""
    from accounts.models import User

    po = User.objects.create_user(
        "po2",
        password="x",
        role=User.Role.PRIVACY_OFFICER,
        organisation=world.users["vp1"].organisation,
    )
    client.force_login(po)
    data = json.loads(
        client.get(
            reverse("privacy_client_export_json", args=[world.objects["youth"]])
        ).content
    )
    titles = {c["title"] for c in data["cases"]}
    assert titles == {"Klacht over de groepsleiding", "Vraag over inzage"}


def _export_queries(client, world: World) -> int:
    client.force_login(world.users["po"])
    url = reverse("privacy_client_export_json", args=[world.objects["quirijn"]])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_cases(
    client, zwanenburg, django_assert_max_num_queries
) -> None:
    """Building the export takes a fixed number of queries, whether the client
    has one case or six, each with notes, meetings and attendance."""
    before = _export_queries(client, zwanenburg)
    vp1 = zwanenburg.users["vp1"]
    case = SupportCase.objects.get(pk=zwanenburg.objects["quirijn_case"])
    for n in range(5):
        extra = services.case_open(
            actor=vp1, client=case.client, kind="question", title=f"Vraag {n}"
        )
        services.note_add(actor=vp1, case=extra, text=f"Notitie {n}")
        meeting = services.meeting_plan(
            actor=vp1,
            case=extra,
            kind="question_complaint",
            starts_at=timezone.now() + datetime.timedelta(days=n + 1),
        )
        role_services.attendance_add(
            actor=vp1,
            meeting=meeting,
            assignment=Assignment.objects.get(case=extra, user=vp1),
            requested_by_client=True,
        )
    assert _export_queries(client, zwanenburg) == before
    url = reverse("privacy_client_export_json", args=[zwanenburg.objects["quirijn"]])
    # Session, user and its idle-time refresh (5), the client (1), the export
    # (15), then the log row.
    with django_assert_max_num_queries(21 + access_log_queries()):
        client.get(url)


def test_the_pdf_fetches_nothing(monkeypatch) -> None:
    """Rendering the PDF opens no URL: no web address, no local file, even when
    the client's data holds one."""
    from weasyprint.urls import URLFetcher

    opened: list[object] = []
    monkeypatch.setattr(URLFetcher, "open", lambda self, *a, **kw: opened.append(a))
    pdf = exports.export_pdf(
        "<html><head><link rel='stylesheet' href='https://example.org/x.css'>"
        "</head><body><img src='http://127.0.0.1:9/x.png' alt=''>"
        "<img src='file:///etc/passwd' alt=''><p>Inzage</p></body></html>"
    )
    assert pdf.startswith(b"%PDF-")
    assert opened == []
