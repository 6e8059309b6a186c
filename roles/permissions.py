"""Object permissions, derived from support assignments in one place (R2).

Two questions, two functions:

* *Can this user see this object?* — the ``*_visibility(user)`` filters, applied
  by ``visible_to(user)`` on the querysets. Not visible → 404.
* *May this user do X to an object they see?* — ``require(user, Perm.X, obj)`` at
  the top of a service. Not allowed → 403 (``PermissionDenied``).

Permission rows live in guardian's direct foreign-key tables and are written
only by ``sync_case_permissions``, which ``roles.services`` calls in the same
transaction as the assignment change. They are never granted by hand: the rows
are what the assignments say, and ``verify_permissions`` checks that.

What an assignment gives:

====================  =====================================  =================
assignment            on the case                            on the client
====================  =====================================  =================
active                view, view content, change             view, change
ended: case closed    view, view content (read only, R6)     nothing (R6)
ended otherwise       nothing (handover, support ended, R2)  nothing
====================  =====================================  =================

A client's file belongs to one organisation (R13): a caseworker sees only
files of their own organisation, whatever the permission rows say. A team lead
sees the metadata of the cases of the teams they lead (never content, never
clients); a decision-maker sees the applications of their municipality; a
privacy officer answers for the client files of their own organisation.

Emergency access (R2, "break the glass") is the one exception for a team lead:
while an ``EmergencyAccess`` of theirs runs (not ended, ``expires_at`` in the
future), they may read that case's content (notes, meetings, events) and, while
the case is open, its client's file — read only, nothing to change. No
permission rows are written for it: the filters below read the running rows at
query time, so the access ends exactly at ``expires_at`` without a job, and
only a team lead's filters get the extra condition (a caseworker's queries are
unchanged). A closed case can be opened too: its content stays readable, as it
does for its confidant (R6), but not the client's file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, TypeGuard

from django.contrib.auth.models import Permission
from django.db.models import Model, Q, QuerySet

from accounts.models import Team, User
from audit.denials import permission_denied
from cases.models import (
    Application,
    Client,
    FamilyMembership,
    LinkRequest,
    Meeting,
    Note,
    OutreachVisit,
    SupportCase,
)

from .models import (
    Assignment,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    ClientGroupObjectPermission,
    ClientUserObjectPermission,
    EmergencyAccess,
    Referral,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from typing_extensions import TypeIs

VIEW_CASE = "view_supportcase"
VIEW_CASE_CONTENT = "view_case_content"
CHANGE_CASE = "change_supportcase"
VIEW_CLIENT = "view_client"
CHANGE_CLIENT = "change_client"

_CASE_ACTIVE = frozenset({VIEW_CASE, VIEW_CASE_CONTENT, CHANGE_CASE})
_CASE_READ_ONLY = frozenset({VIEW_CASE, VIEW_CASE_CONTENT})
_CLIENT_ACTIVE = frozenset({VIEW_CLIENT, CHANGE_CLIENT})
_CODENAMES = _CASE_ACTIVE | _CLIENT_ACTIVE


class Perm(StrEnum):
    """What a user may do to an object they can see."""

    VIEW_CLIENT = "view_client"
    CHANGE_CLIENT = "change_client"
    VIEW_CASE = "view_case"
    VIEW_CASE_CONTENT = "view_case_content"
    CHANGE_CASE = "change_case"
    ASSIGN_SUPPORT = "assign_support"
    DECIDE_APPLICATION = "decide_application"
    OPEN_EMERGENCY_ACCESS = "open_emergency_access"
    END_EMERGENCY_ACCESS = "end_emergency_access"
    REVIEW_EMERGENCY_ACCESS = "review_emergency_access"
    VIEW_REFERRAL_CONTENT = "view_referral_content"
    RECEIVE_REFERRAL = "receive_referral"
    DECIDE_LINK_REQUEST = "decide_link_request"
    CHANGE_OUTREACH_VISIT = "change_outreach_visit"


# --- visibility (question 1) -----------------------------------------------------


# ``TypeIs``: every caller returns at once when this is false, so the narrowing
# to ``AnonymousUser`` on that side (also an inactive user) is never relied on.
def _is_user(user: User | AnonymousUser) -> TypeIs[User]:
    return bool(user and user.is_authenticated and user.is_active)


def _is_team_lead(user: User | AnonymousUser) -> TypeGuard[User]:
    return _is_user(user) and user.role == User.Role.TEAM_LEAD


def led_team_ids(user: User) -> QuerySet:
    """The teams a team lead leads, as a subquery (R13: teams bound what a
    team lead sees)."""
    return Team.leads.through.objects.filter(user_id=user.pk).values("team_id")


def leads_team_of(user: User | AnonymousUser, case: SupportCase) -> bool:
    """Whether ``user`` is a team lead of the team that holds ``case``."""
    return (
        _is_team_lead(user)
        and case.team_id is not None
        and Team.leads.through.objects.filter(
            user_id=user.pk, team_id=case.team_id
        ).exists()
    )


def case_visibility(user: User | AnonymousUser, prefix: str = "") -> Q:
    """The cases a user may know exist: their own (via permission rows), or,
    for a team lead, the caseload of the teams they lead (R13)."""
    if not _is_user(user):
        return Q(pk__in=[])
    if _is_team_lead(user):
        return Q(**{f"{prefix}team_id__in": led_team_ids(user)})
    if user.is_caseworker:
        return Q(
            **{
                f"{prefix}user_perms__user": user,
                f"{prefix}user_perms__permission__codename": VIEW_CASE,
            }
        )
    return Q(pk__in=[])


def _running_emergency(user: User) -> QuerySet[EmergencyAccess]:
    """The team lead's emergency accesses that give access now, on cases of
    the teams they lead."""
    return EmergencyAccess.objects.running().filter(
        granted_to=user, case__team_id__in=led_team_ids(user)
    )


def case_content_visibility(user: User | AnonymousUser, prefix: str = "") -> Q:
    """The cases whose notes and meetings a user may read: only the supporter's
    own (R2). A team lead sees no content, except of a case under their running
    emergency access."""
    if _is_team_lead(user):
        return Q(**{f"{prefix}pk__in": _running_emergency(user).values("case_id")})
    if not _is_user(user) or not user.is_caseworker:
        return Q(pk__in=[])
    return Q(
        **{
            f"{prefix}user_perms__user": user,
            f"{prefix}user_perms__permission__codename": VIEW_CASE_CONTENT,
        }
    )


def client_visibility(user: User | AnonymousUser, prefix: str = "") -> Q:
    """The clients a caseworker supports now, in their own organisation (R2,
    R6, R13); for a team lead, the client of an open case under their running
    emergency access."""
    if _is_team_lead(user):
        return Q(
            **{
                f"{prefix}pk__in": _running_emergency(user)
                .exclude(case__status=SupportCase.Status.CLOSED)
                .values("case__client_id")
            }
        )
    if not _is_user(user) or not user.is_caseworker or not user.organisation_id:
        return Q(pk__in=[])
    return Q(
        **{
            f"{prefix}organisation_id": user.organisation_id,
            f"{prefix}user_perms__user": user,
            f"{prefix}user_perms__permission__codename": VIEW_CLIENT,
        }
    )


def client_part_visibility(user: User | AnonymousUser) -> Q:
    """Rows that are part of a client's file (care, informal supporters,
    consents): those of the clients the user sees."""
    return Q(client__in=Client.objects.filter(client_visibility(user)).values("pk"))


def family_visibility(user: User | AnonymousUser) -> Q:
    """Families with at least one member the user sees (R2, R13)."""
    return Q(
        pk__in=FamilyMembership.objects.filter(
            client__in=Client.objects.filter(client_visibility(user)).values("pk")
        ).values("family_id")
    )


def consent_visibility(user: User | AnonymousUser) -> Q:
    """The consents of the clients the user sees; one about a meeting only
    when the user may read that meeting (R2, R11)."""
    return client_part_visibility(user) & (
        Q(meeting__isnull=True)
        | Q(
            meeting__in=Meeting.objects.filter(
                case_content_visibility(user, prefix="case__")
            ).values("pk")
        )
    )


def complaint_visibility(user: User | AnonymousUser) -> Q:
    """The complaints of the cases the user sees (R2, R3)."""
    return Q(case__in=SupportCase.objects.filter(case_visibility(user)).values("pk"))


def case_part_visibility(user: User | AnonymousUser, path: str = "case") -> Q:
    """Rows about a case that show who supports it (assignments; attendance
    through its meeting, ``path="meeting__case"``): those of the cases the
    user sees."""
    return Q(
        **{
            f"{path}__in": SupportCase.objects.filter(case_visibility(user)).values(
                "pk"
            )
        }
    )


def link_request_visibility(user: User | AnonymousUser) -> Q:
    """A caseworker sees their own link requests; a team lead those of the
    teams they lead (R13)."""
    if not _is_user(user):
        return Q(pk__in=[])
    if _is_team_lead(user):
        return Q(team_id__in=led_team_ids(user))
    if user.is_caseworker:
        return Q(requested_by=user)
    return Q(pk__in=[])


def referral_visibility(user: User | AnonymousUser) -> Q:
    """Who knows of a referral (R13): whoever sees the client file it was sent
    from or the file it became, and the team leads of the receiving
    organisation (what it is, not what it holds: ``Perm.VIEW_REFERRAL_CONTENT``)."""
    if not _is_user(user):
        return Q(pk__in=[])
    clients = Client.objects.filter(client_visibility(user)).values("pk")
    visible = Q(source_client__in=clients) | Q(target_client__in=clients)
    if _is_team_lead(user) and user.organisation_id:
        visible |= Q(to_organisation_id=user.organisation_id)
    return visible


def outreach_visibility(user: User | AnonymousUser) -> Q:
    """A confidant sees their own outreach visits; a team lead those of the
    teams they lead (R7, R13)."""
    if not _is_user(user):
        return Q(pk__in=[])
    if _is_team_lead(user):
        return Q(team_id__in=led_team_ids(user))
    if user.is_caseworker:
        return Q(confidant=user)
    return Q(pk__in=[])


def contact_visibility(user: User | AnonymousUser, prefix: str = "") -> Q:
    """A contact moment: its recorder's, and part of the content of its case
    for whoever reads that content (R2; a team lead only under emergency
    access). Team leads otherwise see counts, not contacts."""
    if not _is_user(user):
        return Q(pk__in=[])
    # A subquery, not a join: a join through the case's permission rows would
    # repeat a contact once per row.
    content = Q(
        **{
            f"{prefix}case__in": SupportCase.objects.filter(
                case_content_visibility(user)
            ).values("pk")
        }
    )
    if user.is_caseworker:
        return Q(**{f"{prefix}recorded_by": user}) | content
    return content


def privacy_client_scope(user: User | AnonymousUser, prefix: str = "") -> Q:
    """The client files a privacy officer answers for: their organisation's
    (R13). Everyone else: none. ``prefix`` is the path to the client from
    another model (the access log's ``client__``: a join on the client,
    not a list of every client of the organisation)."""
    if not _is_user(user) or not user.is_privacy_officer or not user.organisation_id:
        return Q(**{f"{prefix}pk__in": []})
    return Q(**{f"{prefix}organisation_id": user.organisation_id})


def application_visibility(user: User | AnonymousUser) -> Q:
    """Decision-makers see their municipality's applications (R9)."""
    if (
        not _is_user(user)
        or user.role != User.Role.DECISION_MAKER
        or user.organisation is None
        or user.organisation.municipality_id is None
    ):
        return Q(pk__in=[])
    return Q(municipality_id=user.organisation.municipality_id)


def emergency_access_visibility(user: User | AnonymousUser) -> Q:
    """Who knows of an emergency access: the privacy officer (all of their
    organisation's, to review), the team lead who holds it, and whoever reads the case's content
    (its supporter is told, R2)."""
    if not _is_user(user):
        return Q(pk__in=[])
    if user.is_privacy_officer:
        return Q(case__organisation_id=user.organisation_id)
    if user.role == User.Role.TEAM_LEAD:
        return Q(granted_to=user)
    if user.is_caseworker:
        return Q(
            case__in=SupportCase.objects.filter(case_content_visibility(user)).values(
                "pk"
            )
        )
    return Q(pk__in=[])


def reads_under_emergency_access(user: User, obj: Model) -> bool:
    """Whether showing ``obj`` to ``user`` is a read under emergency access
    (logged with its own purpose). A team lead sees a client's file and a
    meeting or note only that way; a case's content only while it runs."""
    if not _is_team_lead(user):
        return False
    if isinstance(obj, Client | Meeting | Note):
        return True
    if isinstance(obj, SupportCase):
        return _running_emergency(user).filter(case_id=obj.pk).exists()
    return False


# --- actions (question 2) ---------------------------------------------------------

_OBJECT_PERMS: dict[Perm, tuple[type[Model], str]] = {
    Perm.VIEW_CLIENT: (Client, VIEW_CLIENT),
    Perm.CHANGE_CLIENT: (Client, CHANGE_CLIENT),
    Perm.VIEW_CASE_CONTENT: (SupportCase, VIEW_CASE_CONTENT),
    Perm.CHANGE_CASE: (SupportCase, CHANGE_CASE),
}


def _has_row(user: User, codename: str, obj: Model) -> bool:
    """Whether the permission row exists (one query; guardian's checker asks
    the user's rows and their groups' rows in two, and no group ever holds an
    object permission here). A superuser passes, as with guardian."""
    if user.is_superuser:
        return True
    table = (
        CaseUserObjectPermission
        if isinstance(obj, SupportCase)
        else ClientUserObjectPermission
    )
    return table.objects.filter(
        user_id=user.pk, content_object_id=obj.pk, permission__codename=codename
    ).exists()


def has(user: User | AnonymousUser, perm: Perm, obj: Model) -> bool:
    """Whether ``user`` may do ``perm`` to ``obj`` (one object; not for loops)."""
    if not _is_user(user):
        return False
    if _is_team_lead(user) and perm is Perm.VIEW_CASE_CONTENT:
        # R2: a team lead reads content only under running emergency access.
        return (
            isinstance(obj, SupportCase)
            and _running_emergency(user).filter(case_id=obj.pk).exists()
        )
    if _is_team_lead(user) and perm is Perm.VIEW_CLIENT:
        return (
            isinstance(obj, Client)
            and _running_emergency(user)
            .filter(case__client_id=obj.pk)
            .exclude(case__status=SupportCase.Status.CLOSED)
            .exists()
        )
    if perm in _OBJECT_PERMS:
        model, codename = _OBJECT_PERMS[perm]
        if not isinstance(obj, model):
            raise TypeError(
                f"{perm} applies to {model.__name__}, not {type(obj).__name__}"
            )
        return _has_row(user, codename, obj)
    if perm is Perm.VIEW_CASE:
        return SupportCase.objects.visible_to(user).filter(pk=obj.pk).exists()
    if perm is Perm.ASSIGN_SUPPORT:
        # Team leads hand out and move the cases of the teams they lead.
        return isinstance(obj, SupportCase) and leads_team_of(user, obj)
    if perm is Perm.DECIDE_APPLICATION:
        return (
            isinstance(obj, Application)
            and Application.objects.visible_to(user).filter(pk=obj.pk).exists()
        )
    if perm is Perm.OPEN_EMERGENCY_ACCESS:
        # R2: only a team lead of the case's own team breaks the glass.
        return isinstance(obj, SupportCase) and leads_team_of(user, obj)
    if perm is Perm.VIEW_REFERRAL_CONTENT:
        # The copy of the client's items is for the file it came from and the
        # file it became; the receiving team lead assigns without reading it.
        clients = Client.objects.visible_to(user)
        return (
            isinstance(obj, Referral)
            and (
                clients.filter(pk__in=[obj.source_client_id, obj.target_client_id])
            ).exists()
        )
    if perm is Perm.RECEIVE_REFERRAL:
        return (
            isinstance(obj, Referral)
            and _is_team_lead(user)
            and obj.to_organisation_id == user.organisation_id
        )
    if perm is Perm.DECIDE_LINK_REQUEST:
        # R13: a team lead of the requesting caseworker's team decides.
        return (
            isinstance(obj, LinkRequest)
            and _is_team_lead(user)
            and Team.leads.through.objects.filter(
                user_id=user.pk, team_id=obj.team_id
            ).exists()
        )
    if perm is Perm.CHANGE_OUTREACH_VISIT:
        # R7: a visit is the visiting confidant's own work.
        return isinstance(obj, OutreachVisit) and obj.confidant_id == user.pk
    if perm is Perm.END_EMERGENCY_ACCESS:
        return isinstance(obj, EmergencyAccess) and obj.granted_to_id == user.pk
    if perm is Perm.REVIEW_EMERGENCY_ACCESS:
        return (
            isinstance(obj, EmergencyAccess)
            and user.is_privacy_officer
            and obj.case.organisation_id == user.organisation_id
        )
    raise ValueError(perm)  # pragma: no cover - every Perm is handled above


def require(user: User | AnonymousUser, perm: Perm, obj: Model) -> None:
    """Raise ``PermissionDenied`` (403) unless ``user`` may do ``perm`` to ``obj``."""
    if not has(user, perm, obj):
        raise permission_denied(perm.value, obj)


# --- deriving the rows from assignments ---------------------------------------------


def _case_perms(assignment: Assignment) -> frozenset[str]:
    if assignment.ended_at is None:
        return _CASE_ACTIVE
    if assignment.end_reason == Assignment.EndReason.CASE_CLOSED:
        return _CASE_READ_ONLY
    return frozenset()


def _client_perms(assignment: Assignment) -> frozenset[str]:
    # R6: once support ends, nothing new about the client (their care, family,
    # network) is shown; what the supporter recorded stays readable in the case.
    return _CLIENT_ACTIVE if assignment.ended_at is None else frozenset()


def _permission_ids() -> dict[str, int]:
    rows = Permission.objects.filter(
        content_type__app_label="cases", codename__in=_CODENAMES
    ).values_list("codename", "id")
    return dict(rows)


def derive(
    assignments: Iterable[Assignment],
) -> tuple[set[tuple[int, int, str]], set[tuple[int, int, str]]]:
    """The (user, case, codename) and (user, client, codename) rows that the
    given professional assignments imply. Informal supporters get nothing (R11)."""
    case_rows: set[tuple[int, int, str]] = set()
    client_rows: set[tuple[int, int, str]] = set()
    for assignment in assignments:
        if assignment.user_id is None:
            continue
        for codename in _case_perms(assignment):
            case_rows.add((assignment.user_id, assignment.case_id, codename))
        for codename in _client_perms(assignment):
            client_rows.add((assignment.user_id, assignment.case.client_id, codename))
    return case_rows, client_rows


def sync_case_permissions(*, user_id: int, case: SupportCase) -> None:
    """Make one user's permission rows on a case and its client agree with
    their assignments. Called by ``roles.services`` inside its transaction."""
    assignments = list(
        Assignment.objects.filter(user_id=user_id, case__client_id=case.client_id)
        .select_related("case")
        .order_by()
    )
    want_case, want_client = derive(assignments)
    want_case = {row for row in want_case if row[1] == case.pk}
    _apply(
        CaseUserObjectPermission,
        CaseUserObjectPermission.objects.filter(user_id=user_id, content_object=case),
        want_case,
    )
    _apply(
        ClientUserObjectPermission,
        ClientUserObjectPermission.objects.filter(
            user_id=user_id, content_object_id=case.client_id
        ),
        want_client,
    )


def _apply(model: type[Model], existing_qs, wanted: set[tuple[int, int, str]]) -> None:
    ids = _permission_ids()
    names = {v: k for k, v in ids.items()}
    existing = {
        (user_id, obj_id, names[perm_id]): pk
        for pk, user_id, obj_id, perm_id in existing_qs.values_list(
            "pk", "user_id", "content_object_id", "permission_id"
        )
    }
    stale = [pk for row, pk in existing.items() if row not in wanted]
    if stale:
        model.objects.filter(pk__in=stale).delete()  # type: ignore[attr-defined]  # each permission row model has objects
    missing = [row for row in wanted if row not in existing]
    model.objects.bulk_create(  # type: ignore[attr-defined]  # each permission row model has objects
        model(user_id=u, content_object_id=o, permission_id=ids[c])
        for u, o, c in missing
    )


def bulk_grant(assignments: Iterable[Assignment], batch_size: int = 5000) -> int:
    """Insert the rows for freshly created assignments (demo data at scale).

    Only for assignments that have no rows yet; returns the number of rows written.
    """
    ids = _permission_ids()
    case_rows, client_rows = derive(assignments)
    CaseUserObjectPermission.objects.bulk_create(
        (
            CaseUserObjectPermission(
                user_id=u, content_object_id=o, permission_id=ids[c]
            )
            for u, o, c in case_rows
        ),
        batch_size=batch_size,
        ignore_conflicts=True,
    )
    ClientUserObjectPermission.objects.bulk_create(
        (
            ClientUserObjectPermission(
                user_id=u, content_object_id=o, permission_id=ids[c]
            )
            for u, o, c in client_rows
        ),
        batch_size=batch_size,
        ignore_conflicts=True,
    )
    return len(case_rows) + len(client_rows)


def verify() -> list[str]:
    """Compare every permission row with what the assignments imply.

    Returns one human-readable line per difference; an empty list means they agree.
    """
    ids = _permission_ids()
    names = {v: k for k, v in ids.items()}
    want_case, want_client = derive(
        Assignment.objects.filter(user__isnull=False).select_related("case").iterator()
    )
    problems: list[str] = []
    for label, model, wanted in (
        ("case", CaseUserObjectPermission, want_case),
        ("client", ClientUserObjectPermission, want_client),
    ):
        have: dict[tuple[int, int, str], int] = defaultdict(int)
        for user_id, obj_id, perm_id in model.objects.values_list(
            "user_id", "content_object_id", "permission_id"
        ).iterator():
            have[(user_id, obj_id, names.get(perm_id, f"?{perm_id}"))] += 1
        for row in sorted(set(have) - wanted):
            problems.append(
                f"extra {label} permission: user {row[0]} {label} {row[1]} {row[2]}"
            )
        for row in sorted(wanted - set(have)):
            problems.append(
                f"missing {label} permission: user {row[0]} {label} {row[1]} {row[2]}"
            )
    return problems


def group_rows() -> list[str]:
    """Object permission rows given to a group: none should exist (``has``
    and the visibility filters read the user's rows only, from the
    assignments), so each one is reported by ``verify_permissions``."""
    ids = _permission_ids()
    names = {v: k for k, v in ids.items()}
    problems: list[str] = []
    for label, model in (
        ("case", CaseGroupObjectPermission),
        ("client", ClientGroupObjectPermission),
    ):
        for group_id, obj_id, perm_id in model.objects.values_list(
            "group_id", "content_object_id", "permission_id"
        ).order_by("pk"):
            problems.append(
                f"group {label} permission: group {group_id} {label} {obj_id} "
                f"{names.get(perm_id, f'?{perm_id}')}"
            )
    return problems
