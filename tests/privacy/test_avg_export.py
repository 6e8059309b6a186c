"""Inzage (art. 15 AVG): the privacy officer exports everything the
organisation holds about one client, as JSON and as a PDF, only to answer a
registered inzage request whose asker's identity is checked.

The export leaves out the other family members' data and third parties'
contact data, and includes the client's referrals and who looked at the file
(under its earlier numbers too). Every download is recorded with the request
and is one EXPORT row in the access log naming the request (NEN 7513).
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Municipality, Organisation, Team, User
from audit.log import log_event
from audit.models import AccessLogEntry
from cases import exports, services
from cases.models import (
    Application,
    Client,
    ClientAlias,
    SupportCase,
)
from privacy import services as privacy_services
from privacy.models import DataSubjectRequest
from roles import referrals
from roles import services as role_services
from roles.models import Assignment, Consent, Referral
from roles.policy import SupportRole
from tests.factories import FamilyFactory
from tests.support.privacy import privacy_officer, register_request
from tests.support.world import World

#: What belongs to the other family member and must never be in the export.
OTHER_MEMBER = ["Xanthippe", "Oosterhuis-Vlam", "Ottoline", "Geheime notitie"]
#: Third parties' contact data: the aunt's phone and e-mail, the care contact.
THIRD_PARTIES = ["06-12345678", "wilhelmina@example.org", "030-7654321", "Mevr. Kok"]


@pytest.fixture
def zwanenburg(privacy_world: World) -> World:
    """Quirijn Zwanenburg (confidant vp1) and his mother Xanthippe
    Oosterhuis-Vlam (confidant vp2) in one family, each with their own case,
    note and informal supporter; Quirijn with care (and its contact person),
    an application, a held meeting with his aunt present (with her phone and
    e-mail), consents, a shared summary, and a registered inzage request
    whose identity is checked."""
    world = privacy_world
    vp1, vp2 = world.users["vp1"], world.users["vp2"]
    akj = vp1.organisation
    gemeente = Municipality.objects.get(cbs_code="GM0344")
    provider = Organisation.objects.get(name="Jeugdzorg Midden")
    family = FamilyFactory(name="Gezin Zwanenburg", organisation=akj)
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
        contact_person="Mevr. Kok, 030-7654321",
    )
    # On the AKJ's own file, by hand: ApplicationFactory would make it on the
    # municipality's file (R13), and the AKJ's export is to show an application.
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
        actor=vp1,
        client=client,
        name="Tante Wilhelmina",
        relation="tante",
        phone="06-12345678",
        email="wilhelmina@example.org",
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
        actor=vp1, meeting=meeting, informal_supporter=aunt
    )
    request = register_request(world.users["po"], client)
    world.objects["quirijn"] = client.pk
    world.objects["quirijn_case"] = case.pk
    world.objects["request"] = request.pk
    return world


def _download(client, world: World, name: str, key: str = "request"):
    client.force_login(world.users["po"])
    return client.get(reverse(name, args=[world.objects[key]]))


def _json(client, world: World) -> dict:
    response = _download(client, world, "web:privacy_request_export_json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_json_holds_the_clients_data(client, zwanenburg) -> None:
    """The JSON export holds the request it answers, the client's identity,
    own family membership, care, application, case with complaint, meeting,
    attendance and note, informal supporter, consents and the shared summary,
    with a schema version and ISO dates."""
    response = _download(client, zwanenburg, "web:privacy_request_export_json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    reference = DataSubjectRequest.objects.get(
        pk=zwanenburg.objects["request"]
    ).reference
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="inzage-{reference}-{today}.json"'
    )
    data = json.loads(response.content)
    assert data["schema"] == exports.SCHEMA == "naast.avg-inzage/2"
    assert data["request"]["reference"] == reference
    assert data["request"]["kind"] == "inzage"
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
    assert data["informal_supporters"][0]["name"] == "Tante Wilhelmina"
    assert {c["item"] for c in data["consents"]} == {
        "meeting_invitation",
        "meeting_summary",
    }
    assert [s["item"] for s in data["shared_items"]] == ["meeting_summary"]


def test_third_parties_contact_data_are_left_out(client, zwanenburg) -> None:
    """The aunt is named (the client named her) but her phone and e-mail are
    not in the JSON, nor the care provider's contact person; the keys are
    gone, not empty."""
    data = _json(client, zwanenburg)
    text = json.dumps(data, ensure_ascii=False)
    for value in THIRD_PARTIES:
        assert value not in text, value
    [aunt] = data["informal_supporters"]
    assert set(aunt) == {"name", "relation", "recorded_at"}
    assert "contact_person" not in data["care"][0]


def test_the_json_leaves_out_the_other_family_member(client, zwanenburg) -> None:
    """The export names no other family member: not their name, case, note,
    informal supporter or the conflict's description; the family is at most
    "a family with 2 members"."""
    text = _download(client, zwanenburg, "web:privacy_request_export_json").content
    for word in [*OTHER_MEMBER, "Xanthippe wil het gezag", "Vraag over het gezag"]:
        assert word.encode() not in text, word


def test_the_pdf_leaves_out_the_other_member_and_third_parties(
    client, zwanenburg, monkeypatch
) -> None:
    """The PDF is an A4 document rendered from HTML that holds the client's
    data and nothing of the other family member or of third parties' contact
    data."""
    rendered: list[str] = []
    real = exports.export_pdf

    def capture(html: str) -> bytes:
        rendered.append(html)
        return real(html)

    monkeypatch.setattr("web.views.privacy_registers.export_pdf", capture)
    response = _download(client, zwanenburg, "web:privacy_request_export_pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reference = DataSubjectRequest.objects.get(
        pk=zwanenburg.objects["request"]
    ).reference
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="inzage-{reference}-'
    )
    [html] = rendered
    for expected in ["Quirijn", "Quirijn vertelt over de groep.", "Tante Wilhelmina"]:
        assert expected in html
    assert reference in html
    assert "gezin met 2 leden" in html
    for word in [*OTHER_MEMBER, *THIRD_PARTIES]:
        assert word not in html, word


def test_each_download_is_logged_with_the_request(client, zwanenburg) -> None:
    """Every download writes exactly one EXPORT row naming the client, the
    format and the request's reference, and the request records the export:
    how often, when, by whom; the first moves it to "in behandeling"."""
    pk = zwanenburg.objects["quirijn"]
    request = DataSubjectRequest.objects.get(pk=zwanenburg.objects["request"])
    exports_of = AccessLogEntry.objects.filter(action="export", client_id=pk)
    assert not exports_of.exists()
    before = AccessLogEntry.objects.filter(client_id=pk).count()
    _download(client, zwanenburg, "web:privacy_request_export_json")
    _download(client, zwanenburg, "web:privacy_request_export_pdf")
    rows = list(exports_of.order_by("pk"))
    assert [r.object_type for r in rows] == ["avg_export_json", "avg_export_pdf"]
    assert {r.object_id for r in rows} == {request.reference}
    assert all(request.reference in r.purpose for r in rows)
    assert {r.user for r in rows} == {zwanenburg.users["po"]}
    assert rows[0].object_label == (
        f"inzage-export van de cliënt (JSON) {request.reference}"
    )
    # Nothing else was logged by the downloads.
    assert AccessLogEntry.objects.filter(client_id=pk).count() == before + 2
    request.refresh_from_db()
    assert request.export_count == 2
    assert request.exported_by == zwanenburg.users["po"]
    assert request.exported_at is not None
    assert request.status == DataSubjectRequest.Status.IN_PROGRESS
    reasons = list(
        request.history.order_by("history_date").values_list(
            "history_change_reason", flat=True
        )
    )
    assert reasons[-2:] == [
        "privacy_request_export_json",
        "privacy_request_export_pdf",
    ]


def test_the_request_page_links_the_export(client, zwanenburg) -> None:
    """The request's page links the downloads; the client's access history
    links the registration of a request, no longer an export."""
    pk = zwanenburg.objects["quirijn"]
    client.force_login(zwanenburg.users["po"])
    history = client.get(reverse("web:client_access_history", args=[pk]))
    assert f"{reverse('web:privacy_request_register')}?client={pk}" in history.text
    assert "inzage.json" not in history.text
    page = client.get(
        reverse("web:privacy_request_detail", args=[zwanenburg.objects["request"]])
    )
    assert (
        reverse("web:privacy_request_export_pdf", args=[zwanenburg.objects["request"]])
        in page.text
    )


# --- the attacks -------------------------------------------------------------------


def _exports() -> int:
    return AccessLogEntry.objects.filter(action="export").count()


def test_the_old_export_url_on_the_bare_client_is_gone(client, zwanenburg) -> None:
    """The attack of issue 11: the privacy officer GETs the export of a client
    without any request. The old URLs answer 404 and nothing is exported."""
    pk = zwanenburg.objects["quirijn"]
    client.force_login(zwanenburg.users["po"])
    for url in [
        f"/privacy/clienten/{pk}/export/",
        f"/privacy/clienten/{pk}/export/inzage.json",
        f"/privacy/clienten/{pk}/export/inzage.pdf",
    ]:
        assert client.get(url).status_code == 404, url
    assert _exports() == 0


def test_no_export_before_the_identity_is_checked(client, zwanenburg) -> None:
    """A registered inzage request whose asker's identity is not checked has
    no export: 403, recorded as a refused attempt, nothing exported."""
    po = zwanenburg.users["po"]
    unchecked = register_request(
        po, Client.objects.get(pk=zwanenburg.objects["quirijn"]), checked=False
    )
    client.force_login(po)
    for name in ["web:privacy_request_export_json", "web:privacy_request_export_pdf"]:
        response = client.get(reverse(name, args=[unchecked.pk]))
        assert response.status_code == 403
        assert b"Quirijn" not in response.content
    assert _exports() == 0
    unchecked.refresh_from_db()
    assert unchecked.export_count == 0
    assert (
        AccessLogEntry.objects.filter(
            outcome="denied", client_id=unchecked.client_id
        ).count()
        == 2
    )


def test_no_export_for_another_kind_of_request_or_once_answered(
    client, zwanenburg
) -> None:
    """A correction request has no export (404); an answered inzage request
    none any more (403)."""
    po = zwanenburg.users["po"]
    quirijn = Client.objects.get(pk=zwanenburg.objects["quirijn"])
    correction = register_request(po, quirijn, DataSubjectRequest.Kind.CORRECTION)
    answered = privacy_services.privacy_request_answer(
        actor=po,
        request=register_request(po, quirijn),
        answered_on=timezone.localdate(),
        summary="Export per post verstuurd.",
    )
    client.force_login(po)
    url = reverse("web:privacy_request_export_json", args=[correction.pk])
    assert client.get(url).status_code == 404
    url = reverse("web:privacy_request_export_json", args=[answered.pk])
    assert client.get(url).status_code == 403
    assert _exports() == 0


def test_a_privacy_officer_of_another_organisation_gets_404(client, zwanenburg) -> None:
    """The client-support organisation's privacy officer cannot see the AKJ's
    request, its export or register a request for the AKJ's client: 404 and
    a form error, nothing exported or registered."""
    other = privacy_officer(
        Organisation.objects.get(name="Cliëntondersteuning Utrecht"), "po-mee"
    )
    client.force_login(other)
    request_pk = zwanenburg.objects["request"]
    for name in [
        "web:privacy_request_detail",
        "web:privacy_request_export_json",
        "web:privacy_request_export_pdf",
        "web:privacy_request_answer",
    ]:
        assert client.get(reverse(name, args=[request_pk])).status_code == 404, name
    before = DataSubjectRequest.objects.count()
    response = client.post(
        reverse("web:privacy_request_register"),
        {
            "client": zwanenburg.objects["quirijn"],
            "kind": "inzage",
            "requester_name": "Quirijn Zwanenburg",
            "requester_relation": "client",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "geen cliënt met dit nummer" in response.text
    assert "Quirijn" not in response.text.replace("Quirijn Zwanenburg", "", 1)
    assert DataSubjectRequest.objects.count() == before
    assert _exports() == 0


def test_the_clients_own_confidant_cannot_export(client, zwanenburg) -> None:
    """Only the privacy officer answers an inzage request: the client's own
    confidant gets 404 on the request and its export, and nothing is logged."""
    client.force_login(zwanenburg.users["vp1"])
    before = AccessLogEntry.objects.count()
    for name in [
        "web:privacy_request_detail",
        "web:privacy_request_export_json",
        "web:privacy_request_export_pdf",
    ]:
        url = reverse(name, args=[zwanenburg.objects["request"]])
        assert client.get(url).status_code == 404
    assert AccessLogEntry.objects.count() == before


# --- what else the export holds --------------------------------------------------------


def test_the_export_holds_the_officers_organisation_cases(client, world) -> None:
    """The export holds the cases of the privacy officer's organisation: an
    AKJ officer gets the AKJ's cases of the youth, not the client supporter's."""
    po = privacy_officer(world.users["vp1"].organisation, "po2")
    request = register_request(po, Client.objects.get(pk=world.objects["youth"]))
    client.force_login(po)
    data = json.loads(
        client.get(
            reverse("web:privacy_request_export_json", args=[request.pk])
        ).content
    )
    titles = {c["title"] for c in data["cases"]}
    assert titles == {"Klacht over de groepsleiding", "Vraag over inzage"}


def test_the_export_holds_the_referrals_sent_and_received(client, zwanenburg) -> None:
    """A referral of the client to the client-support organisation is in the
    AKJ's inzage as sent, and in the receiving organisation's inzage of the
    new file as received; the copy it carried is not."""
    vp1 = zwanenburg.users["vp1"]
    mee = Organisation.objects.get(name="Cliëntondersteuning Utrecht")
    quirijn = Client.objects.get(pk=zwanenburg.objects["quirijn"])
    referral = referrals.referral_send(
        actor=vp1,
        client=quirijn,
        to_organisation=mee,
        items=[Referral.Item.IDENTITY, Referral.Item.INFORMAL_SUPPORTERS],
        consent_given_on=timezone.localdate(),
        message="Quirijn zoekt passende hulp.",
    )
    team = Team.objects.get(organisation=mee)
    lead = User.objects.create_user(
        "tl-mee", password="x", role=User.Role.TEAM_LEAD, organisation=mee
    )
    team.leads.add(lead)
    referral = referrals.referral_accept(
        actor=lead,
        referral=referral,
        supporter=zwanenburg.users["co1"],
        kind="care_question",
        title="Passende hulp",
    )
    data = _json(client, zwanenburg)
    [sent] = data["referrals"]
    assert sent["reference"] == referral.reference
    assert sent["direction"] == "sent"
    assert sent["to_organisation"] == "Cliëntondersteuning Utrecht"
    assert sent["status"] == "accepted"
    assert "payload" not in sent
    assert "06-12345678" not in json.dumps(data)

    po_mee = privacy_officer(mee, "po-mee")
    received = register_request(po_mee, referral.target_client)
    client.force_login(po_mee)
    data = json.loads(
        client.get(
            reverse("web:privacy_request_export_json", args=[received.pk])
        ).content
    )
    [got] = data["referrals"]
    assert got["direction"] == "received"
    assert got["from_organisation"] == str(vp1.organisation)
    # The copied informal supporter is named, her contact data are not.
    assert "06-12345678" not in json.dumps(data)


def test_the_export_follows_the_files_earlier_numbers(client, zwanenburg) -> None:
    """The inzage lists who looked at the file, with the rows written under
    its earlier number (``ClientAlias``) by users of its own organisation,
    not those of another organisation's users."""
    vp1, co1 = zwanenburg.users["vp1"], zwanenburg.users["co1"]
    quirijn = Client.objects.get(pk=zwanenburg.objects["quirijn"])
    old = Client.objects.create(
        organisation=vp1.organisation,
        first_name="Quirijn",
        last_name="Zwanenburg",
        date_of_birth=quirijn.date_of_birth,
        kind="youth",
        municipality=quirijn.municipality,
    )
    ClientAlias.objects.create(old_client=old, client=quirijn)
    log_event(user=vp1, action=AccessLogEntry.Action.READ, client=old, purpose="oud")
    log_event(user=co1, action=AccessLogEntry.Action.READ, client=old, purpose="ander")
    data = _json(client, zwanenburg)
    purposes = [row["purpose"] for row in data["access_log"]]
    assert "oud" in purposes
    assert "ander" not in purposes
    assert any(row["action"] == "create" for row in data["access_log"])


def _export_queries(client, world: World) -> int:
    client.force_login(world.users["po"])
    url = reverse("web:privacy_request_export_json", args=[world.objects["request"]])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_cases(client, zwanenburg) -> None:
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
