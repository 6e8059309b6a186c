"""Handover and emergency access (R2): access moves only by an explicit,
logged handover, or by logged emergency access with a stated reason.

Emergency access ("break the glass"): a team lead opens one case's content
for a limited time (``NAAST_EMERGENCY_ACCESS_HOURS``, default 24) with a
mandatory reason, read only; it is logged, shown to the case's supporter and
listed for the privacy officer to review. It ends exactly at its expiry
(no job runs) or when the team lead ends it.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AccessLogEntry
from cases import services
from cases.models import CaseEvent, Meeting, Note, SupportCase
from roles import permissions
from roles import services as role_services
from roles.models import Assignment, EmergencyAccess
from roles.permissions import Perm, has
from tests.factories import account
from tests.support.checks import access_log_queries

REASON = "De vertrouwenspersoon is plotseling uitgevallen en de cliënt belt."
ERROR = 'class="utrecht-form-field-error-message"'


def _case(world, key: str = "complaint_case") -> SupportCase:
    return SupportCase.objects.get(pk=world.objects[key])


def _url(name: str, *args) -> str:
    return reverse(name, args=args)


def _open(world, key: str = "complaint_case", **kwargs) -> EmergencyAccess:
    return role_services.emergency_access_open(
        actor=world.users["tl"], case=_case(world, key), reason=REASON, **kwargs
    )


def _sees_content(client, world, key: str = "complaint_case") -> dict[str, int]:
    """What the logged-in user gets on the case's content: the case page shows
    the timeline, the meeting page and the client's file answer."""
    case = _case(world, key)
    page = client.get(_url("web:case_detail", case.pk))
    assert page.status_code == 200
    meeting = Meeting.objects.filter(case=case).first()
    return {
        "timeline": "Tijdlijn" in page.content.decode(),
        "meeting": client.get(_url("web:meeting_detail", meeting.pk)).status_code
        if meeting
        else None,
        "client": client.get(_url("web:client_detail", case.client_id)).status_code,
    }


@pytest.fixture
def note(world) -> Note:
    return services.note_add(
        actor=world.users["vp1"], case=_case(world), text="Vertrouwelijke notitie"
    )


# --- handover: old loses, new gains, both logged ---------------------------------------


def test_handover_moves_access_and_logs_both_sides(world):
    """R2: a handover ends the old confidant's access and starts the new one's,
    in one step, and the case history records both: the end with the reason
    and the start for the colleague."""
    vp1, tl = world.users["vp1"], world.users["tl"]
    vp3 = User.objects.create_user(
        "vp3",
        role=User.Role.AKJ_CONFIDANT,
        organisation=vp1.organisation,
        team=vp1.team,
    )
    case = _case(world)
    old = Assignment.objects.get(case=case, user=vp1)
    assert has(vp1, Perm.VIEW_CASE_CONTENT, case)
    assert not has(vp3, Perm.VIEW_CASE_CONTENT, case)
    new = role_services.assignment_hand_over(
        actor=tl, assignment=old, to_user=vp3, reason="Langdurig ziek"
    )
    assert not has(vp1, Perm.VIEW_CASE_CONTENT, case)
    assert not has(vp1, Perm.VIEW_CLIENT, case.client)
    assert not SupportCase.objects.visible_to(vp1).filter(pk=case.pk).exists()
    assert has(vp3, Perm.VIEW_CASE_CONTENT, case)
    assert has(vp3, Perm.VIEW_CLIENT, case.client)
    assert has(vp3, Perm.CHANGE_CASE, case)
    assert new.user == vp3 and new.role == old.role
    assert permissions.verify() == []
    ended = CaseEvent.objects.get(
        case=case, kind=CaseEvent.Kind.ASSIGNMENT_ENDED, actor=tl
    )
    assert ended.to_value == Assignment.EndReason.HANDED_OVER
    assert "Langdurig ziek" in ended.detail and "vp3" in ended.detail
    started = CaseEvent.objects.filter(
        case=case, kind=CaseEvent.Kind.ASSIGNMENT_STARTED, actor=tl
    ).get()
    assert started.detail == str(vp3)
    assert started.pk > ended.pk


# --- before, during, after --------------------------------------------------------------


def test_team_lead_sees_no_content_before_emergency_access(client, world, note):
    """R2: by default a team lead sees the case's metadata, not its notes,
    meetings or client, and is offered "Noodtoegang"."""
    tl = world.users["tl"]
    case = _case(world)
    assert not has(tl, Perm.VIEW_CASE_CONTENT, case)
    assert not has(tl, Perm.VIEW_CLIENT, case.client)
    assert not Note.objects.visible_to(tl).exists()
    client.force_login(tl)
    assert _sees_content(client, world) == {
        "timeline": False,
        "meeting": 404,
        "client": 404,
    }
    page = client.get(_url("web:case_detail", case.pk)).content.decode()
    assert _url("web:emergency_access_open", case.pk) in page
    assert "Vertrouwelijke notitie" not in page


def test_opening_shows_the_content_read_only_until_expiry(client, world, note):
    """R2: with a reason the team lead reads the case's notes, meetings and
    client for 24 hours, under a banner with the end time, the reason and
    "Beëindigen" — and can change nothing."""
    tl = world.users["tl"]
    case = _case(world)
    client.force_login(tl)
    response = client.post(
        _url("web:emergency_access_open", case.pk), {"reason": REASON}
    )
    assert response.status_code == 302
    assert response["Location"] == _url("web:case_detail", case.pk)
    access = EmergencyAccess.objects.get()
    assert (access.case, access.granted_to, access.reason) == (case, tl, REASON)
    assert access.expires_at - access.started_at == datetime.timedelta(hours=24)
    assert _sees_content(client, world) == {
        "timeline": True,
        "meeting": 200,
        "client": 200,
    }
    page = client.get(_url("web:case_detail", case.pk)).content.decode()
    assert "Vertrouwelijke notitie" in page
    assert "Noodtoegang tot" in page and REASON in page
    assert _url("web:emergency_access_end", access.pk) in page
    # Read only: no note form, and every change is refused.
    assert _url("web:note_add", case.pk) not in page
    for perm, obj in [
        (Perm.CHANGE_CASE, case),
        (Perm.CHANGE_CLIENT, case.client),
    ]:
        assert not has(tl, perm, obj)
    assert client.post(_url("web:note_add", case.pk), {"text": "x"}).status_code == 403
    assert client.get(_url("web:case_status", case.pk)).status_code == 403
    meeting = Meeting.objects.filter(case=case).first()
    assert client.get(_url("web:attendance_add", meeting.pk)).status_code == 403
    assert client.get(_url("web:client_edit", case.client_id)).status_code == 403
    assert Note.objects.count() == 1
    # No permission rows are written: the grant is read at query time.
    assert permissions.verify() == []


def test_access_ends_exactly_at_expiry(client, world, monkeypatch):
    """R2: the access ends by itself at ``expires_at``: a second before it
    shows the content, at that moment not any more — no job runs."""
    tl = world.users["tl"]
    case = _case(world)
    access = _open(world)
    real_now = timezone.now

    def at(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    at(access.expires_at - datetime.timedelta(seconds=1))
    assert has(tl, Perm.VIEW_CASE_CONTENT, case)
    assert has(tl, Perm.VIEW_CLIENT, case.client)
    assert Meeting.objects.visible_to(tl).filter(case=case).exists()
    at(access.expires_at)
    assert not has(tl, Perm.VIEW_CASE_CONTENT, case)
    assert not has(tl, Perm.VIEW_CLIENT, case.client)
    assert not Meeting.objects.visible_to(tl).exists()
    assert not Note.objects.visible_to(tl).exists()
    monkeypatch.setattr(timezone, "now", real_now)
    # The same through the pages, with the expiry moved into the past.
    EmergencyAccess.objects.filter(pk=access.pk).update(
        started_at=real_now() - datetime.timedelta(hours=25),
        expires_at=real_now() - datetime.timedelta(hours=1),
    )
    client.force_login(tl)
    assert _sees_content(client, world) == {
        "timeline": False,
        "meeting": 404,
        "client": 404,
    }


def test_ending_revokes_at_once(client, world):
    """R2: "Beëindigen" ends the access immediately, and is recorded."""
    tl = world.users["tl"]
    case = _case(world)
    access = _open(world)
    client.force_login(tl)
    assert client.get(_url("web:emergency_access_end", access.pk)).status_code == 200
    response = client.post(_url("web:emergency_access_end", access.pk))
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.ended_at is not None and not access.is_running()
    assert _sees_content(client, world) == {
        "timeline": False,
        "meeting": 404,
        "client": 404,
    }
    assert CaseEvent.objects.filter(
        case=case, kind=CaseEvent.Kind.EMERGENCY_ENDED, actor=tl
    ).exists()


def test_ending_twice_is_refused(world, refused):
    """An access that has ended, or run out, cannot be ended again."""
    access = _open(world)
    role_services.emergency_access_end(actor=world.users["tl"], access=access)
    with refused("emergency_ended"):
        role_services.emergency_access_end(actor=world.users["tl"], access=access)


def test_only_the_holder_ends_an_access(world, refused):
    """Neither the case's confidant nor the privacy officer ends the team
    lead's access (403)."""
    access = _open(world)
    po = account("po", User.Role.PRIVACY_OFFICER, password_text=None)
    for user in (world.users["vp1"], po):
        with refused(exc=PermissionDenied):
            role_services.emergency_access_end(actor=user, access=access)


def test_a_second_access_waits_for_the_first_to_end(world, refused):
    """One running access per case and team lead; once it ran out, a new one
    can be opened, and the old one is recorded as ended at its expiry."""
    first = _open(world)
    with refused("emergency_running"):
        _open(world)
    past = timezone.now() - datetime.timedelta(minutes=1)
    EmergencyAccess.objects.filter(pk=first.pk).update(
        started_at=past - datetime.timedelta(hours=24), expires_at=past
    )
    second = _open(world)
    first.refresh_from_db()
    assert first.ended_at == first.expires_at
    assert second.is_running()
    assert EmergencyAccess.objects.filter(ended_at__isnull=True).count() == 1


def test_the_database_holds_one_open_access_per_case_and_team_lead(world):
    """The partial unique constraint refuses a second open row."""
    first = _open(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        EmergencyAccess.objects.create(
            case=first.case,
            granted_to=first.granted_to,
            reason=REASON,
            expires_at=timezone.now() + datetime.timedelta(hours=1),
        )


def test_the_duration_comes_from_the_settings(world, settings):
    """``NAAST_EMERGENCY_ACCESS_HOURS`` sets how long an access runs."""
    settings.NAAST_EMERGENCY_ACCESS_HOURS = 2
    access = _open(world)
    assert access.expires_at - access.started_at == datetime.timedelta(hours=2)


# --- who may open it ---------------------------------------------------------------------


def test_only_the_cases_team_lead_opens_emergency_access(client, world, refused):
    """R2: a confidant, a client supporter, another organisation's team lead,
    a decision-maker and a privacy officer cannot open emergency access: 403
    where they see the case, 404 where they do not; nothing is written."""
    case = _case(world)
    other_tl = User.objects.create_user(
        "tl-co",
        role=User.Role.TEAM_LEAD,
        organisation=world.users["co1"].organisation,
    )
    po = User.objects.create_user(
        "po", role=User.Role.PRIVACY_OFFICER, organisation=case.organisation
    )
    for user in (
        world.users["vp1"],
        world.users["vp2"],
        world.users["co1"],
        world.users["dm"],
        other_tl,
        po,
    ):
        with refused(exc=PermissionDenied):
            role_services.emergency_access_open(actor=user, case=case, reason=REASON)
    url = _url("web:emergency_access_open", case.pk)
    expected = {"vp1": 403, "vp2": 404, "co1": 404, "tl-co": 404, "po": 404}
    got = {}
    for user in (
        world.users["vp1"],
        world.users["vp2"],
        world.users["co1"],
        other_tl,
        po,
    ):
        client.force_login(user)
        got[user.username] = client.post(url, {"reason": REASON}).status_code
    assert got == expected
    assert not EmergencyAccess.objects.exists()
    assert not AccessLogEntry.objects.filter(action="emergency").exists()


@pytest.mark.parametrize(
    "reason",
    [
        "",
        "   ",
        "Even kijken",
        "xxxxxxxxxxxxxxxxxxxx",
        "asdf asdf asdf asdf asdf asdf",
        "ab cd ef gh ij kl mn op",
        "nood nood nood nood nood",
        "dit is een test!",
    ],
)
def test_a_reason_is_required(client, world, db_state, reason):
    """R2: without a reason that says something (at least 5 distinct words of 3
    or more letters; 20 junk characters do not count) the form shows why, and
    nothing is opened or logged."""
    client.force_login(world.users["tl"])
    before = db_state()
    case = _case(world)
    response = client.post(
        _url("web:emergency_access_open", case.pk), {"reason": reason}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert ERROR in body
    assert 'id="id_reason_error1"' in body
    assert db_state() == before
    assert not EmergencyAccess.objects.exists()
    assert not AccessLogEntry.objects.filter(action="emergency").exists()
    assert not has(world.users["tl"], Perm.VIEW_CASE_CONTENT, case)


def test_a_closed_case_opens_read_only_without_the_client_file(client, world):
    """R2 with R6: a closed case's content stays readable, so emergency
    access to it shows the content, but not the client's file."""
    client.force_login(world.users["tl"])
    case = _case(world, "closed_case")
    response = client.post(
        _url("web:emergency_access_open", case.pk), {"reason": REASON}
    )
    assert response.status_code == 302
    page = client.get(_url("web:case_detail", case.pk)).content.decode()
    assert "Tijdlijn" in page
    assert client.get(_url("web:client_detail", case.client_id)).status_code == 404
    assert not has(world.users["tl"], Perm.VIEW_CLIENT, case.client)


# --- logged ------------------------------------------------------------------------------


def test_opening_and_reading_are_logged(client, world):
    """R2 and NEN 7513: opening writes an access-log row with action
    "emergency" (who, which client, the address); every read during the
    access carries the purpose "noodtoegang"; the case history has the
    reason; the chain stays intact."""
    tl = world.users["tl"]
    case = _case(world)
    client.force_login(tl)
    client.get(_url("web:case_detail", case.pk))
    before = AccessLogEntry.objects.order_by("-pk").first()
    assert before.purpose == "teamleiding"
    client.post(_url("web:emergency_access_open", case.pk), {"reason": REASON})
    opened = AccessLogEntry.objects.get(action=AccessLogEntry.Action.EMERGENCY)
    assert opened.user == tl
    assert opened.user_role == User.Role.TEAM_LEAD
    assert opened.client_id == case.client_id
    assert (opened.object_type, opened.object_id) == ("supportcase", str(case.pk))
    assert opened.purpose == "noodtoegang"
    assert opened.address == "127.0.0.1"
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.EMERGENCY_OPENED)
    assert event.actor == tl and REASON in event.detail
    _sees_content(client, world)
    reads = list(
        AccessLogEntry.objects.filter(pk__gt=opened.pk)
        .order_by("pk")
        .values_list("object_type", "purpose")
    )
    assert reads == [
        ("supportcase", "noodtoegang"),
        ("meeting", "noodtoegang"),
        ("client", "noodtoegang"),
    ]
    call_command("verify_access_log", stdout=io.StringIO())


def test_a_caseworkers_queries_do_not_change(world):
    """Only a team lead's filters look at emergency access: a caseworker's
    visibility queries are the same as without it."""
    vp1 = world.users["vp1"]
    for queryset in (
        SupportCase.objects.visible_to(vp1),
        SupportCase.objects.with_content_visible_to(vp1),
        Note.objects.visible_to(vp1),
        Meeting.objects.visible_to(vp1),
    ):
        assert "emergency" not in str(queryset.query)
    assert "emergency" in str(Note.objects.visible_to(world.users["tl"]).query)


# --- told to the confidant, listed for the team lead -----------------------------------------


def test_the_confidant_is_told_on_the_case_and_the_dashboard(client, world):
    """R2: the case's confidant sees who had emergency access, when and why,
    on the case page (also in its timeline) and on the dashboard; another
    confidant does not."""
    case = _case(world)
    _open(world)
    client.force_login(world.users["vp1"])
    page = client.get(_url("web:case_detail", case.pk)).content.decode()
    assert "Noodtoegang tot deze zaak" in page
    assert "Teamleider tl heeft noodtoegang" in page
    assert REASON in page
    assert "Noodtoegang geopend" in page
    dashboard = client.get(_url("web:dashboard")).content.decode()
    assert "Noodtoegang tot uw zaken" in dashboard
    assert case.reference in dashboard and REASON in dashboard
    client.force_login(world.users["vp2"])
    assert "Noodtoegang" not in client.get(_url("web:dashboard")).content.decode()


def test_an_ended_access_is_told_in_the_past_tense(client, world):
    """After it ended the notice says the team lead *had* emergency access."""
    access = _open(world)
    role_services.emergency_access_end(actor=world.users["tl"], access=access)
    client.force_login(world.users["vp1"])
    page = client.get(_url("web:case_detail", access.case_id)).content.decode()
    assert "Teamleider tl had noodtoegang tot deze zaak" in page


def test_the_team_lead_dashboard_lists_running_accesses(client, world):
    """The team lead's dashboard lists their running emergency accesses, and
    no longer once they ended."""
    access = _open(world)
    client.force_login(world.users["tl"])
    page = client.get(_url("web:dashboard")).content.decode()
    assert "Mijn lopende noodtoegang" in page
    assert _url("web:case_detail", access.case_id) in page
    role_services.emergency_access_end(actor=world.users["tl"], access=access)
    assert (
        "Mijn lopende noodtoegang"
        not in client.get(_url("web:dashboard")).content.decode()
    )


# --- the privacy officer's review -------------------------------------------------------------


@pytest.fixture
def po(world) -> User:
    return account(
        "po",
        User.Role.PRIVACY_OFFICER,
        world.users["vp1"].organisation,
        is_staff=True,
        password_text=None,
    )


def test_the_privacy_officer_lists_and_reviews(client, world, po, db_state):
    """R2: every emergency access is listed for the privacy officer with who,
    which case, until when and why; the review records who, when and the
    judgement, once; an empty review is refused and changes nothing."""
    access = _open(world)
    ended = _open(world, "mother_case")
    role_services.emergency_access_end(actor=world.users["tl"], access=ended)
    client.force_login(po)
    page = client.get(_url("web:privacy_emergency_list")).content.decode()
    assert REASON in page and access.case.reference in page
    assert "2 noodtoegangen gevonden" in page
    running = client.get(_url("web:privacy_emergency_list") + "?status=running")
    assert "1 noodtoegang gevonden" in running.content.decode()
    assert AccessLogEntry.objects.filter(object_type="emergency_list").count() == 2

    url = _url("web:privacy_emergency_review", access.pk)
    assert client.get(url).status_code == 200
    before = db_state()
    response = client.post(url, {"note": ""})
    assert response.status_code == 200 and ERROR in response.content.decode()
    assert db_state() == before
    response = client.post(url, {"note": "Gerechtvaardigd: vp1 was ziek."})
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.reviewed_by == po and access.reviewed_at is not None
    assert access.review_note == "Gerechtvaardigd: vp1 was ziek."
    assert CaseEvent.objects.filter(
        case=access.case, kind=CaseEvent.Kind.EMERGENCY_REVIEWED, actor=po
    ).exists()
    reviewed = client.get(_url("web:privacy_emergency_list") + "?status=reviewed")
    assert "1 noodtoegang gevonden" in reviewed.content.decode()
    unreviewed = client.get(_url("web:privacy_emergency_list") + "?status=unreviewed")
    assert ended.case.reference in unreviewed.content.decode()
    assert access.case.reference not in unreviewed.content.decode()
    with pytest.raises(Exception) as info:
        role_services.emergency_access_review(actor=po, access=access, note="Nogmaals")
    assert info.value.code == "emergency_reviewed"


def test_only_the_privacy_officer_reviews(world, po, refused):
    """R2: a team lead or confidant cannot review an emergency access (403)."""
    access = _open(world)
    for user in (world.users["tl"], world.users["vp1"]):
        with refused(exc=PermissionDenied):
            role_services.emergency_access_review(actor=user, access=access, note="Ok")


@pytest.mark.parametrize("extra", [2, 30])
def test_the_list_query_count_does_not_grow(
    client, world, po, django_assert_max_num_queries, extra
):
    """The privacy officer's list costs the same with 2 or 30 more rows."""
    past = timezone.now() - datetime.timedelta(days=2)
    case = _case(world)
    EmergencyAccess.objects.bulk_create(
        EmergencyAccess(
            case=case,
            granted_to=world.users["tl"],
            reason=REASON,
            started_at=past,
            expires_at=past + datetime.timedelta(hours=1),
            ended_at=past + datetime.timedelta(hours=1),
        )
        for _ in range(extra)
    )
    client.force_login(po)
    with django_assert_max_num_queries(7 + access_log_queries()):
        response = client.get(_url("web:privacy_emergency_list"))
    assert response.status_code == 200
