"""Inzage (art. 15 AVG): everything about one client, as one plain structure
that is written out as JSON and rendered as a PDF.

``client_export`` builds the structure with a fixed number of queries, however
many cases, meetings and notes the client has. It holds what the requesting
user's organisation holds about the client: the client's identity, their own
family memberships (the family's name, their relation and the number of
members — never the other members' names or data), care, applications,
informal supporters, consents and what was shared under them, and the cases
of that organisation with their supporters, history, complaint, meetings (with
attendance) and notes. A user without an organisation gets the cases of every
organisation.

The JSON structure (``SCHEMA``), top-level keys and what they hold; dates are
ISO 8601 (``YYYY-MM-DD``), moments ISO 8601 with the offset of Europe/Amsterdam;
a choice is its code with a ``*_label`` beside it in the interface language:

``schema``                ``"naast.avg-inzage/2"``; a new number means a key changed
``generated_at``          when the export was made
``generated_by``          ``{name, role, role_label}`` of the user who made it
``organisation``          the name of that user's organisation, or ``null``
``request``               ``{reference, kind, kind_label, received_on, due_on}``
                          of the registered inzage request it answers, or ``null``
``client``                ``{number, first_name, last_name, date_of_birth, kind,
                          kind_label, municipality, lives_in_institution,
                          institution, registered_at}``
``families``              ``[{family, relation, member_count,
                          conflicting_interests}]`` — counts only for the others
``care``                  ``[{kind, kind_label, provider, residential,
                          started_on, ended_on}]``
``applications``          ``[{care_kind, care_kind_label, municipality,
                          description, submitted_on, decision, decision_label,
                          decided_on, decision_reason, decider}]``
``cases``                 ``[{reference, kind, kind_label, subject,
                          subject_label, title, status, status_label,
                          organisation, provider, opened_at, opened_by,
                          closed_at, outcome, outcome_label, supporters,
                          complaint, events, meetings, notes}]``
``informal_supporters``   ``[{name, relation, recorded_at}]``
``consents``              ``[{item, item_label, informal_supporter, meeting,
                          description, given_on, withdrawn_on, recorded_by}]``
``shared_items``          ``[{item, item_label, informal_supporter, meeting,
                          description, shared_at, shared_by}]``
``referrals``             ``[{reference, direction, from_organisation,
                          to_organisation, items, item_labels, consent_given_on,
                          message, status, status_label, sent_at, decided_at,
                          decline_reason}]`` — sent from or received as this file
``access_log``            ``[{at, user, role, role_label, action, action_label,
                          outcome, what, purpose}]`` — who looked at the file,
                          under its earlier numbers too (``ClientAlias``)

Third parties' contact data stay out: an informal supporter's phone and
e-mail, the care provider's contact person (who is named with a phone number
or address more often than not), and what a referral copied.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Model, Prefetch, Q
from django.utils import timezone

from accounts.models import User
from audit.models import AccessLogEntry
from roles.models import Assignment, Attendance, Consent, Referral, SharedItem

from .models import (
    CaseEvent,
    Client,
    Complaint,
    ConflictingInterest,
    ContactItem,
    ContactMoment,
    FamilyMembership,
    Meeting,
    Note,
    SupportCase,
)

#: The version of the structure; raised when a key changes meaning or goes.
SCHEMA = "naast.avg-inzage/2"


def _person(user: User | None) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.username


def _moment(value: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(value) if value is not None else None


def _choice(obj: Model, field: str) -> dict[str, str]:
    """A choice field as its code and, beside it, its label."""
    value = getattr(obj, field)
    label = getattr(obj, f"get_{field}_display")() if value else ""
    return {field: value, f"{field}_label": str(label)}


def _str(value: object | None) -> str | None:
    return str(value) if value is not None else None


def _complaint(case: SupportCase) -> dict[str, Any] | None:
    try:
        complaint = case.complaint
    except Complaint.DoesNotExist:
        return None
    return {
        **_choice(complaint, "stage"),
        **_choice(complaint, "regime"),
        "submitted_to": complaint.submitted_to,
        "submitted_on": complaint.submitted_on,
        "handling_started_on": complaint.handling_started_on,
        "postponement_weeks": complaint.postponement_weeks,
        "postponed_on": complaint.postponed_on,
        "due_on": complaint.due_on,
        "decided_on": complaint.decided_on,
        "decision_summary": complaint.decision_summary,
        "withdrawn_on": complaint.withdrawn_on,
    }


def _attendance(attendance: Attendance) -> dict[str, Any]:
    assignment = attendance.assignment
    return {
        "supporter": str(assignment.holder),
        **_choice(assignment, "role"),
        "requested_by_client": attendance.requested_by_client,
        **_choice(attendance, "status"),
        **_choice(attendance, "refusal_ground"),
        "refusal_explanation": attendance.refusal_explanation,
        "refused_by": _person(attendance.refused_by),
        "refused_at": _moment(attendance.refused_at),
    }


def _meeting(meeting: Meeting, client: Client) -> dict[str, Any]:
    return {
        **_choice(meeting, "kind"),
        "starts_at": _moment(meeting.starts_at),
        "location": meeting.location,
        "provider": _str(meeting.provider),
        "provider_participant": meeting.provider_participant,
        **_choice(meeting, "status"),
        "planned_by": _person(meeting.planned_by),
        "attendances": [
            _attendance(a)
            for a in meeting.attendances.all()
            # Only this client's supporters; never someone else's network.
            if a.assignment.informal_supporter is None
            or a.assignment.informal_supporter.client_id == client.pk
        ],
    }


def _case(case: SupportCase, client: Client) -> dict[str, Any]:
    return {
        "reference": case.reference,
        **_choice(case, "kind"),
        **_choice(case, "subject"),
        "title": case.title,
        **_choice(case, "status"),
        "organisation": str(case.organisation),
        "provider": _str(case.provider),
        "opened_at": _moment(case.opened_at),
        "opened_by": _person(case.opened_by),
        "closed_at": _moment(case.closed_at),
        **_choice(case, "outcome"),
        "supporters": [
            {
                **_choice(a, "role"),
                "supporter": str(a.holder),
                "at_clients_request": a.at_clients_request,
                "started_at": _moment(a.started_at),
                "ended_at": _moment(a.ended_at),
                **_choice(a, "end_reason"),
            }
            for a in case.assignments.all()
        ],
        "complaint": _complaint(case),
        "events": [
            {
                "at": _moment(e.at),
                **_choice(e, "kind"),
                "actor": _person(e.actor),
                "from_value": e.from_value,
                "to_value": e.to_value,
                "detail": e.detail,
            }
            for e in case.events.all()
        ],
        "meetings": [_meeting(m, client) for m in case.meetings.all()],
        "notes": [
            {
                "written_at": _moment(n.created_at),
                "author": _person(n.author),
                "text": n.text,
            }
            for n in case.notes.all()
        ],
    }


def _cases(client: Client, organisation_id: int | None) -> list[SupportCase]:
    cases = SupportCase.objects.filter(client=client)
    if organisation_id is not None:
        cases = cases.filter(organisation_id=organisation_id)
    return list(
        cases.select_related("organisation", "provider", "opened_by", "complaint")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related(
                    "user", "informal_supporter"
                ).order_by("started_at", "pk"),
            ),
            Prefetch(
                "events",
                queryset=CaseEvent.objects.select_related("actor").order_by("at", "pk"),
            ),
            Prefetch(
                "meetings",
                queryset=Meeting.objects.select_related(
                    "provider", "planned_by"
                ).prefetch_related(
                    Prefetch(
                        "attendances",
                        queryset=Attendance.objects.select_related(
                            "assignment__user",
                            "assignment__informal_supporter",
                            "refused_by",
                        ).order_by("added_at", "pk"),
                    )
                ),
            ),
            Prefetch(
                "notes",
                queryset=Note.objects.select_related("author").order_by(
                    "created_at", "pk"
                ),
            ),
        )
        .order_by("opened_at", "pk")
    )


def _contacts(client: Client, organisation_id: int | None) -> list[dict[str, Any]]:
    """The contact moments about the client that the organisation recorded,
    with their items, oldest first."""
    contacts = ContactMoment.objects.filter(client=client)
    if organisation_id is not None:
        contacts = contacts.filter(organisation_id=organisation_id)
    # One query for the items, whether or not there are contacts.
    items: dict[int, list[ContactItem]] = {}
    for item in ContactItem.objects.filter(contact__in=contacts).order_by("pk"):
        items.setdefault(item.contact_id, []).append(item)
    return [
        {
            "at": _moment(c.started_at),
            **_choice(c, "channel"),
            **_choice(c, "direction"),
            "duration_minutes": c.duration_minutes,
            **_choice(c, "caller_type"),
            "case": c.case.reference if c.case else None,
            "recorded_by": _person(c.recorded_by),
            "notes": c.notes,
            "items": [
                {
                    **_choice(i, "kind"),
                    **_choice(i, "theme"),
                    **_choice(i, "agency_kind"),
                }
                for i in items.get(c.pk, [])
            ],
        }
        for c in contacts.select_related("case", "recorded_by").order_by(
            "started_at", "pk"
        )
    ]


def _families(client: Client) -> list[dict[str, Any]]:
    """The client's own memberships: the family, the client's relation in it
    and how many members it has. Other members' names and data stay out."""
    memberships = (
        FamilyMembership.objects.filter(client=client)
        .select_related("family")
        .annotate(member_count=Count("family__memberships"))
        .order_by("family__name", "pk")
    )
    conflicts: dict[int, int] = {}
    for family_id in ConflictingInterest.objects.filter(
        Q(client_a=client) | Q(client_b=client)
    ).values_list("family_id", flat=True):
        conflicts[family_id] = conflicts.get(family_id, 0) + 1
    return [
        {
            "family": m.family.name,
            "relation": m.relation,
            "member_count": m.member_count,
            "conflicting_interests": conflicts.get(m.family_id, 0),
        }
        for m in memberships
    ]


def _referrals(client: Client) -> list[dict[str, Any]]:
    """The referrals sent from this file and the one it was received as (R13),
    without the copy they carried."""
    referrals = (
        Referral.objects.filter(Q(source_client=client) | Q(target_client=client))
        .select_related("from_organisation", "to_organisation")
        .order_by("sent_at", "pk")
    )
    return [
        {
            "reference": r.reference,
            "direction": "sent" if r.source_client_id == client.pk else "received",
            "from_organisation": str(r.from_organisation),
            "to_organisation": str(r.to_organisation),
            "items": list(r.items),
            "item_labels": r.item_labels,
            "consent_given_on": r.consent_given_on,
            "message": r.message,
            **_choice(r, "status"),
            "sent_at": _moment(r.sent_at),
            "decided_at": _moment(r.decided_at),
            "decline_reason": r.decline_reason,
        }
        for r in referrals
    ]


def _access_log(client: Client) -> list[dict[str, Any]]:
    """Who looked at the file and did what (NEN 7513), oldest first."""
    return [
        {
            "at": _moment(e.timestamp),
            "user": e.user_name,
            "role": e.user_role,
            "role_label": e.user_role_label,
            **_choice(e, "action"),
            "outcome": e.outcome,
            "what": e.object_label,
            "purpose": e.purpose,
        }
        for e in AccessLogEntry.objects.about_file_of(client).order_by(
            "timestamp", "pk"
        )
    ]


def client_export(
    *, client: Client, user: User, request: Model | None = None
) -> dict[str, Any]:
    """Everything ``user``'s organisation holds about ``client``, as a plain
    structure of strings, numbers, booleans, dates and lists (art. 15 AVG),
    as the answer to ``request`` (a ``privacy.DataSubjectRequest``).

    The number of queries does not depend on the number of cases, meetings,
    notes, consents, referrals or log rows.
    """
    client = Client.objects.select_related("municipality", "institution").get(
        pk=client.pk
    )
    organisation = user.organisation
    return {
        "schema": SCHEMA,
        "generated_at": timezone.localtime(),
        "generated_by": {"name": _person(user), **_choice(user, "role")},
        "organisation": _str(organisation),
        "request": None
        if request is None
        else {
            "reference": request.reference,
            **_choice(request, "kind"),
            "received_on": request.received_on,
            "due_on": request.due_on,
        },
        "client": {
            "number": client.pk,
            "first_name": client.first_name,
            "last_name": client.last_name,
            "date_of_birth": client.date_of_birth,
            **_choice(client, "kind"),
            "municipality": str(client.municipality),
            "lives_in_institution": client.lives_in_institution,
            "institution": _str(client.institution),
            "registered_at": _moment(client.created_at),
            "phone": client.phone,
            "email": client.email,
            "address": client.address,
            **_choice(client, "preferred_channel"),
            "may_call": client.may_call,
            "may_text": client.may_text,
            "may_write": client.may_write,
        },
        "families": _families(client),
        "care": [
            {
                **_choice(care, "kind"),
                "provider": str(care.provider),
                "residential": care.residential,
                "started_on": care.started_on,
                "ended_on": care.ended_on,
            }
            for care in client.care.select_related("provider").order_by(
                "started_on", "pk"
            )
        ],
        "applications": [
            {
                **_choice(a, "care_kind"),
                "municipality": str(a.municipality),
                "description": a.description,
                "submitted_on": a.submitted_on,
                **_choice(a, "decision"),
                "decided_on": a.decided_on,
                "decision_reason": a.decision_reason,
                "decider": _person(a.decider),
            }
            for a in client.applications.select_related(
                "municipality", "decider"
            ).order_by("submitted_on", "pk")
        ],
        "cases": [_case(c, client) for c in _cases(client, user.organisation_id)],
        "contacts": _contacts(client, user.organisation_id),
        "informal_supporters": [
            {
                "name": s.name,
                "relation": s.relation,
                "recorded_at": _moment(s.created_at),
            }
            for s in client.informal_supporters.order_by("name", "pk")
        ],
        "consents": [
            {
                **_choice(c, "item"),
                "informal_supporter": c.informal_supporter.name,
                "meeting": _str(c.meeting),
                "description": c.description,
                "given_on": c.given_on,
                "withdrawn_on": c.withdrawn_on,
                "recorded_by": _person(c.recorded_by),
            }
            for c in Consent.objects.filter(client=client)
            .select_related("informal_supporter", "meeting", "recorded_by")
            .order_by("given_on", "pk")
        ],
        "shared_items": [
            {
                **_choice(s, "item"),
                "informal_supporter": s.informal_supporter.name,
                "meeting": _str(s.meeting),
                "description": s.description,
                "shared_at": _moment(s.shared_at),
                "shared_by": _person(s.shared_by),
            }
            for s in SharedItem.objects.filter(client=client)
            .select_related("informal_supporter", "meeting", "shared_by")
            .order_by("shared_at", "pk")
        ],
        "referrals": _referrals(client),
        "access_log": _access_log(client),
    }


def export_json(data: dict[str, Any]) -> bytes:
    """The structure as UTF-8 JSON with ISO dates, indented for reading."""
    return json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    ).encode()


#: The inzage PDF's stylesheet (A4, page numbers): a static file, read from
#: disk, never fetched.
PDF_STYLESHEET = "css/inzage-pdf.css"


def export_pdf(html: str, stylesheet: str = PDF_STYLESHEET) -> bytes:
    """The rendered HTML as an A4 PDF (WeasyPrint); every PDF Naast makes goes
    through here. Nothing is fetched: the stylesheet is read from disk, there
    is no base URL, and the fetcher refuses every URL but ``data:``, so no
    address in a client's data can make the server reach out. WeasyPrint is
    imported here: loading Pango is slow and only PDFs need it."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    found = finders.find(stylesheet)
    if not isinstance(found, str):
        raise FileNotFoundError(f"no static file {stylesheet}")
    css = CSS(string=Path(found).read_text(), url_fetcher=fetcher)
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(
        stylesheets=[css]
    )
