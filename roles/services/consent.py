"""Informal supporters, the client's consent, and what is shared under it (R11).

- R11: an informal supporter is recorded in the client's file and gets no
  account; nothing is given to them (an invitation, a meeting summary, a
  document) without the client's current consent for that item, and what is
  given is recorded.
- R14: the client gives or withdraws consent per item; what was shared under
  a withdrawn consent stays recorded, nothing more is shared.
- R2: consent for a meeting is recorded by someone who may read the meeting.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import events
from cases.errors import field_error
from cases.history import track
from cases.models import Client, Meeting

from ..models import Consent, InformalSupporter, SharedItem
from ..permissions import Perm, require


@transaction.atomic
def informal_supporter_add(
    *,
    actor: User,
    client: Client,
    name: str,
    relation: str,
    phone: str = "",
    email: str = "",
) -> InformalSupporter:
    """Record someone from the client's network. They get no account (R11)."""
    require(actor, Perm.CHANGE_CLIENT, client)
    supporter = InformalSupporter(
        client=client,
        name=name.strip(),
        relation=relation.strip(),
        phone=phone,
        email=email,
    )
    supporter.full_clean()
    track(supporter, actor=actor, reason="informal_supporter_add")
    supporter.save()
    events.informal_supporter_added(supporter=supporter)
    return supporter


#: Consent for these items names the meeting it is about.
_ITEMS_WITH_MEETING = frozenset(
    {Consent.Item.MEETING_INVITATION, Consent.Item.MEETING_SUMMARY}
)


@transaction.atomic
def consent_record(
    *,
    actor: User,
    informal_supporter: InformalSupporter,
    item: str,
    given_on: datetime.date,
    meeting: Meeting | None = None,
    description: str = "",
) -> Consent:
    """Record the client's consent to give one item to their informal supporter (R11)."""
    return _consent_record(
        actor=actor,
        informal_supporter=informal_supporter,
        item=item,
        given_on=given_on,
        meeting=meeting,
        description=description,
        access_log=True,
    )


def _consent_record(
    *,
    actor: User,
    informal_supporter: InformalSupporter,
    item: str,
    given_on: datetime.date,
    meeting: Meeting | None,
    description: str,
    access_log: bool,
) -> Consent:
    """``consent_record``; ``access_log=False`` when it is a step of an
    invitation (``attendance_invite``), which is the request's row."""
    client = informal_supporter.client
    require(actor, Perm.CHANGE_CLIENT, client)
    if meeting is not None and meeting.case.client_id != client.pk:
        raise field_error(
            "meeting", _("Dit gesprek hoort niet bij deze cliënt."), "r11_other_client"
        )
    if given_on > timezone.localdate():
        raise field_error("given_on", _("Deze datum ligt in de toekomst."), "future")
    if meeting is not None:
        # R2: consent for a meeting is recorded by someone who may read it.
        require(actor, Perm.VIEW_CASE_CONTENT, meeting.case)
    if item in _ITEMS_WITH_MEETING and meeting is None:
        raise field_error(
            "meeting",
            _("Kies het gesprek waarvoor de cliënt toestemming gaf."),
            "r11_meeting_required",
        )
    if item == Consent.Item.DOCUMENT and not description.strip():
        raise field_error(
            "description",
            _("Omschrijf het document waarvoor de cliënt toestemming gaf."),
            "r11_description_required",
        )
    consent = Consent(
        client=client,
        informal_supporter=informal_supporter,
        item=item,
        meeting=meeting,
        description=description,
        given_on=given_on,
        recorded_by=actor,
    )
    consent.full_clean()
    track(consent, actor=actor, reason="consent_record")
    consent.save()
    events.consent_recorded(consent=consent, access_log=access_log)
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: User, consent: Consent, withdrawn_on: datetime.date | None = None
) -> Consent:
    """Record that the client withdrew a consent, on ``withdrawn_on`` (today by
    default). Nothing more is shared under it; what was shared stays recorded
    (R11)."""
    require(actor, Perm.CHANGE_CLIENT, consent.client)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError(
            _("Deze toestemming is al ingetrokken."), code="consent_withdrawn"
        )
    on = withdrawn_on or timezone.localdate()
    if on > timezone.localdate():
        raise field_error(
            "withdrawn_on", _("Deze datum ligt in de toekomst."), "future"
        )
    if on < consent.given_on:
        raise field_error(
            "withdrawn_on",
            _("De toestemming kan niet zijn ingetrokken vóór ze werd gegeven."),
            "before_given",
        )
    consent.withdrawn_on = on
    track(consent, actor=actor, reason="consent_withdraw")
    consent.save(update_fields=["withdrawn_on"])
    events.consent_withdrawn(consent=consent)
    return consent


def has_consent(
    *, informal_supporter: InformalSupporter, item: str, meeting: Meeting | None = None
) -> bool:
    """Whether the client agreed to give this item to this informal supporter (R11)."""
    return Consent.objects.filter(
        informal_supporter=informal_supporter,
        item=item,
        meeting=meeting,
        withdrawn_on__isnull=True,
    ).exists()


def _current_consent(
    *, informal_supporter: InformalSupporter, item: str, meeting: Meeting | None
) -> Consent | None:
    """The client's consent for this item that is not withdrawn, locked so that
    a withdrawal cannot slip in between the check and the sharing."""
    return (
        Consent.objects.select_for_update()
        .filter(
            informal_supporter=informal_supporter,
            item=item,
            meeting=meeting,
            withdrawn_on__isnull=True,
        )
        .order_by("-given_on", "-pk")
        .first()
    )


@transaction.atomic
def meeting_summary_share(
    *, actor: User, meeting: Meeting, informal_supporter: InformalSupporter
) -> SharedItem:
    """Give the summary of a held meeting to the client's informal supporter,
    and record that it was given (R11).

    Refused without the client's current consent for the summary of this very
    meeting: none recorded, or withdrawn. Only the case's own supporter shares
    (``CHANGE_CASE``), and only a meeting that was held has a summary.
    """
    case = meeting.case
    require(actor, Perm.CHANGE_CASE, case)
    # The status as it is now, not as the caller loaded it.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if informal_supporter.client_id != case.client_id:
        raise field_error(
            "informal_supporter",
            _("Deze persoon is geen informele ondersteuner van deze cliënt."),
            "r11_other_client",
        )
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(
            _("Dit gesprek is niet gehouden; er is geen verslag om te delen."),
            code="meeting_not_held",
        )
    consent = _current_consent(
        informal_supporter=informal_supporter,
        item=Consent.Item.MEETING_SUMMARY,
        meeting=meeting,
    )
    if consent is None:
        raise field_error(
            "informal_supporter",
            _(
                "De cliënt heeft geen (geldige) toestemming gegeven om het verslag "
                "van dit gesprek met %(name)s te delen. Leg eerst de toestemming "
                "vast; zonder toestemming wordt niets gedeeld."
            )
            % {"name": informal_supporter.name},
            "r11_no_consent",
        )
    shared = SharedItem(
        consent=consent,
        client_id=case.client_id,
        informal_supporter=informal_supporter,
        item=Consent.Item.MEETING_SUMMARY,
        meeting=meeting,
        description=str(meeting)[:300],
        shared_by=actor,
    )
    shared.full_clean()
    shared.save()
    events.item_shared(shared=shared)
    return shared


@transaction.atomic
def document_share(*, actor: User, consent: Consent) -> SharedItem:
    """Give the document a consent describes to the informal supporter, and
    record that it was given (R11). Refused once the consent is withdrawn.
    Only a current supporter of the client shares (``CHANGE_CLIENT``)."""
    require(actor, Perm.CHANGE_CLIENT, consent.client)
    if consent.item != Consent.Item.DOCUMENT:
        raise ValidationError(
            _("Deze toestemming gaat niet over een document."), code="r11_item"
        )
    # Locked, so that a withdrawal cannot slip in between check and sharing.
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_on is not None:
        raise ValidationError(
            _(
                "De cliënt heeft deze toestemming ingetrokken; het document wordt "
                "niet gedeeld."
            ),
            code="r11_no_consent",
        )
    shared = SharedItem(
        consent=locked,
        client_id=locked.client_id,
        informal_supporter=locked.informal_supporter,
        item=Consent.Item.DOCUMENT,
        description=locked.description,
        shared_by=actor,
    )
    shared.full_clean()
    shared.save()
    events.item_shared(shared=shared)
    return shared
