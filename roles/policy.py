"""What each role may do, in the tables read by everything else.

* ``CASE_KINDS``: each kind of case (``SupportCase.Kind``), with its
  reference prefix, the support roles that may open and support it (R1, R3,
  R8) and whether it starts with a complaint (R3). The roles' ``case_kinds``
  below are derived from it.
* ``POLICY``: the three support roles and how they differ (R1). Source:
  ``shared/seed/support-roles-jeugdhulp.txt`` (DOMAIN.md rules R1–R14).
  Services ask ``policy_for(role)`` and read a column.
* ``CAPABILITIES``: which professional role may do which kind of work (open
  which pages, register, read a report, the log ...). Views, services,
  templates and the navigation ask ``can(user, Capability.X)``.

Nothing outside these tables decides what a role may do.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.denials import capability_denied
from cases.models import Meeting, SupportCase


class SupportRole(models.TextChoices):
    """Exactly three support roles exist (R1)."""

    AKJ_CONFIDANT = "akj_confidant", _("Vertrouwenspersoon (AKJ)")
    CLIENT_SUPPORTER = "client_supporter", _("Cliëntondersteuner")
    INFORMAL_SUPPORTER = "informal_supporter", _("Informele ondersteuner")


class RefusalGround(models.TextChoices):
    """The only grounds on which an informal supporter can be refused (R12)."""

    OBSTRUCTING = "obstructing", _("Belemmeren van de voortgang van de begeleiding")
    NOT_INDEPENDENT = "not_independent", _("Geen onafhankelijke opstelling")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("Belangenverstrengeling")


@dataclass(frozen=True)
class CaseKindRule:
    """One kind of case (``SupportCase.Kind``): everything that differs by kind."""

    #: The first part of the case's reference, "VP-2026-000042" (``case_reference``).
    reference_prefix: str
    #: The support roles that may open and support a case of this kind (R1, R3, R8).
    roles: frozenset[SupportRole]
    #: The case starts with its complaint, with its own stages and deadlines (R3).
    starts_with_complaint: bool = False


_CONFIDANT = SupportRole.AKJ_CONFIDANT
_SUPPORTER = SupportRole.CLIENT_SUPPORTER
_INFORMAL = SupportRole.INFORMAL_SUPPORTER

#: Every kind of case. A new ``SupportCase.Kind`` needs a row here (a test says
#: so); nothing else in Naast lists the kinds a role may take.
CASE_KINDS: dict[str, CaseKindRule] = {
    SupportCase.Kind.QUESTION: CaseKindRule("VP", frozenset({_CONFIDANT, _INFORMAL})),
    SupportCase.Kind.PROBLEM: CaseKindRule("VP", frozenset({_CONFIDANT, _INFORMAL})),
    SupportCase.Kind.COMPLAINT: CaseKindRule(
        "VP", frozenset({_CONFIDANT, _INFORMAL}), starts_with_complaint=True
    ),
    SupportCase.Kind.MEDIATION: CaseKindRule("VP", frozenset({_CONFIDANT, _INFORMAL})),
    SupportCase.Kind.CARE_QUESTION: CaseKindRule(
        "CO", frozenset({_SUPPORTER, _INFORMAL})
    ),
}


def case_kind_rule(kind: str) -> CaseKindRule:
    """The row of ``kind`` in ``CASE_KINDS``; an unknown kind is an error, not
    a default."""
    try:
        return CASE_KINDS[kind]
    except KeyError:
        raise LookupError(f"unknown case kind {kind!r}: add it to CASE_KINDS") from None


def _case_kinds_of(role: SupportRole) -> frozenset[str]:
    """The kinds of case ``role`` supports, read from ``CASE_KINDS``."""
    return frozenset(kind for kind, rule in CASE_KINDS.items() if role in rule.roles)


@dataclass(frozen=True)
class RolePolicy:
    role: SupportRole
    #: The role as a noun inside a sentence ("een %(role)s").
    noun: str | Promise
    #: The role is held by a user of Naast (professionals) or by a person
    #: recorded with the client who never logs in (R11).
    is_user: bool
    #: The professional role a user must have to take this support role.
    user_role: str | None
    #: The case kinds this role supports (R3, R8): derived from ``CASE_KINDS``.
    case_kinds: frozenset[str]
    #: The meeting kinds this role may attend (R5, R8).
    meeting_kinds: frozenset[str]
    #: Attendance only when the client asked for it (R5, R11).
    attendance_needs_client_request: bool
    #: The assignment itself only at the client's request (R11).
    assignment_needs_client_request: bool
    #: May be refused attendance at a meeting (R12).
    can_be_refused: bool
    #: Duty of confidentiality: records visible to the supporter alone (R2).
    confidential: bool
    #: May not support two family members with conflicting interests (R4).
    checks_conflicting_interests: bool
    #: Support and deciding on an application never in one hand (R9).
    independent_of_decisions: bool
    #: Support can start before any care exists (R8); recorded, not gated (R6).
    may_start_before_care: bool
    #: Sharing anything with this supporter needs the client's consent (R11).
    sharing_needs_consent: bool
    #: Visits youths in institutions proactively and records the visits (R7).
    outreach_visits: bool = False


_ALL_MEETINGS = frozenset(Meeting.Kind.values)

POLICY: dict[SupportRole, RolePolicy] = {
    SupportRole.AKJ_CONFIDANT: RolePolicy(
        role=SupportRole.AKJ_CONFIDANT,
        noun=_("vertrouwenspersoon"),
        is_user=True,
        user_role=User.Role.AKJ_CONFIDANT,
        case_kinds=_case_kinds_of(SupportRole.AKJ_CONFIDANT),
        meeting_kinds=frozenset(
            {Meeting.Kind.QUESTION_COMPLAINT, Meeting.Kind.MEDIATION}
        ),
        attendance_needs_client_request=True,
        assignment_needs_client_request=False,
        can_be_refused=False,
        confidential=True,
        checks_conflicting_interests=True,
        independent_of_decisions=True,
        may_start_before_care=False,
        sharing_needs_consent=False,
        outreach_visits=True,
    ),
    SupportRole.CLIENT_SUPPORTER: RolePolicy(
        role=SupportRole.CLIENT_SUPPORTER,
        noun=_("cliëntondersteuner"),
        is_user=True,
        user_role=User.Role.CLIENT_SUPPORTER,
        case_kinds=_case_kinds_of(SupportRole.CLIENT_SUPPORTER),
        meeting_kinds=_ALL_MEETINGS,
        attendance_needs_client_request=False,
        assignment_needs_client_request=False,
        can_be_refused=False,
        confidential=True,
        checks_conflicting_interests=False,
        independent_of_decisions=True,
        may_start_before_care=True,
        sharing_needs_consent=False,
        outreach_visits=False,
    ),
    SupportRole.INFORMAL_SUPPORTER: RolePolicy(
        role=SupportRole.INFORMAL_SUPPORTER,
        noun=_("informele ondersteuner"),
        is_user=False,
        user_role=None,
        case_kinds=_case_kinds_of(SupportRole.INFORMAL_SUPPORTER),
        meeting_kinds=_ALL_MEETINGS,
        attendance_needs_client_request=True,
        assignment_needs_client_request=True,
        can_be_refused=True,
        confidential=False,
        checks_conflicting_interests=False,
        independent_of_decisions=False,
        may_start_before_care=True,
        sharing_needs_consent=True,
        outreach_visits=False,
    ),
}


def policy_for(role: str) -> RolePolicy:
    return POLICY[SupportRole(role)]


def support_role_for_user(user: User) -> SupportRole | None:
    """The support role a user takes on a case, from their professional role."""
    for policy in POLICY.values():
        if policy.user_role and policy.user_role == user.role:
            return policy.role
    return None


def professional_roles() -> list[SupportRole]:
    return [p.role for p in POLICY.values() if p.is_user]


def may_record_outreach(user: User) -> bool:
    """Whether the user's support role visits institutions (R7)."""
    role = support_role_for_user(user)
    return role is not None and POLICY[role].outreach_visits


# --- capabilities: who may open which page and do which page-level thing -----------
#
# The second table of this module. A capability is not about one object (that is
# ``roles.permissions.Perm``) but about a kind of work: registering clients,
# reading the access log, reading a municipal report. Views, services,
# templates and the navigation ask ``can(user, Capability.X)``; nothing else
# looks at ``user.role`` to decide what a user may do.


class Capability(StrEnum):
    """A kind of work a user's role allows (page level, not per object)."""

    #: Register a client with their first case (R1: the professional supporters).
    REGISTER_CLIENT = "register_client"
    #: Work with clients of one's own (client list, meetings list).
    SUPPORT_CLIENTS = "support_clients"
    #: See cases: one's own, or (team lead) the caseload of one's teams.
    VIEW_CASES = "view_cases"
    #: See complaints: of one's own cases, or (team lead) of one's teams.
    VIEW_COMPLAINTS = "view_complaints"
    #: Record contact moments (a call, chat, e-mail …), anonymous or about a
    #: client one supports, and see one's own.
    RECORD_CONTACTS = "record_contacts"
    #: Record outreach visits to institutions (R7).
    RECORD_OUTREACH = "record_outreach"
    #: See outreach visits: one's own, or (team lead) those of one's teams.
    VIEW_OUTREACH = "view_outreach"
    #: Lead teams: assign and hand over support, decide on possible duplicates,
    #: receive referrals, open emergency access (R2, R13).
    LEAD_TEAMS = "lead_teams"
    #: Send a referral (warme overdracht) of one's client to another
    #: organisation, with the client's consent per item (R13).
    SEND_REFERRAL = "send_referral"
    #: Decide on applications of one's municipality (R9).
    DECIDE_APPLICATIONS = "decide_applications"
    #: Read the anonymous municipal report.
    READ_MUNICIPAL_REPORT = "read_municipal_report"
    #: Read the access log and who looked at a client's file (NEN 7513).
    READ_ACCESS_LOG = "read_access_log"
    #: Review emergency accesses (R2).
    REVIEW_EMERGENCY_ACCESS = "review_emergency_access"
    #: Register and answer requests of data subjects, and data breaches (AVG).
    HANDLE_PRIVACY_REQUESTS = "handle_privacy_requests"
    #: Read the destruction register (retention).
    READ_DESTRUCTION_REGISTER = "read_destruction_register"
    #: Read the audit trail of changes to users' roles, organisations, teams,
    #: passwords and second factors.
    READ_USER_AUDIT = "read_user_audit"


@dataclass(frozen=True)
class CapabilityRule:
    #: The professional roles (``User.Role``) that have the capability.
    roles: frozenset[str]
    #: Others get 404, not 403: they are not told that the pages exist (the
    #: privacy officer's pages).
    hidden: bool = False


def _professionals(*, where=lambda policy: True) -> frozenset[str]:
    """The user roles of the professional support roles whose policy row
    satisfies ``where``: derived from the role table, not restated."""
    return frozenset(
        p.user_role for p in POLICY.values() if p.is_user and p.user_role and where(p)
    )


_CASEWORKERS = _professionals()
_TEAM_LEAD = frozenset({User.Role.TEAM_LEAD})
_PRIVACY_OFFICER = frozenset({User.Role.PRIVACY_OFFICER})

CAPABILITIES: dict[Capability, CapabilityRule] = {
    Capability.REGISTER_CLIENT: CapabilityRule(_CASEWORKERS),
    Capability.SUPPORT_CLIENTS: CapabilityRule(_CASEWORKERS),
    Capability.VIEW_CASES: CapabilityRule(_CASEWORKERS | _TEAM_LEAD),
    Capability.VIEW_COMPLAINTS: CapabilityRule(_CASEWORKERS | _TEAM_LEAD),
    Capability.RECORD_CONTACTS: CapabilityRule(_CASEWORKERS),
    Capability.RECORD_OUTREACH: CapabilityRule(
        _professionals(where=lambda p: p.outreach_visits)
    ),
    Capability.VIEW_OUTREACH: CapabilityRule(
        _professionals(where=lambda p: p.outreach_visits) | _TEAM_LEAD
    ),
    Capability.LEAD_TEAMS: CapabilityRule(_TEAM_LEAD),
    Capability.SEND_REFERRAL: CapabilityRule(_CASEWORKERS),
    Capability.DECIDE_APPLICATIONS: CapabilityRule(
        frozenset({User.Role.DECISION_MAKER})
    ),
    Capability.READ_MUNICIPAL_REPORT: CapabilityRule(
        _TEAM_LEAD | {User.Role.CONTRACT_MANAGER}
    ),
    Capability.READ_ACCESS_LOG: CapabilityRule(_PRIVACY_OFFICER, hidden=True),
    Capability.REVIEW_EMERGENCY_ACCESS: CapabilityRule(_PRIVACY_OFFICER, hidden=True),
    Capability.HANDLE_PRIVACY_REQUESTS: CapabilityRule(_PRIVACY_OFFICER, hidden=True),
    Capability.READ_DESTRUCTION_REGISTER: CapabilityRule(_PRIVACY_OFFICER, hidden=True),
    Capability.READ_USER_AUDIT: CapabilityRule(_PRIVACY_OFFICER, hidden=True),
}


def can(user, capability: Capability) -> bool:
    """Whether ``user`` (active, logged in, of an organisation) has ``capability``."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.organisation_id is not None
        and user.role in CAPABILITIES[capability].roles
    )


def capabilities_of(user) -> frozenset[Capability]:
    """Every capability ``user`` has (the navigation and the templates' ``can``)."""
    return frozenset(c for c in Capability if can(user, c))


def require_capability(user, capability: Capability) -> None:
    """Refuse a user without ``capability``: 404 for a hidden capability (the
    page is not revealed), otherwise 403, which the access log records as a
    refused attempt (``audit.denials.capability_denied``)."""
    if can(user, capability):
        return
    if CAPABILITIES[capability].hidden:
        raise Http404(f"no {capability}")
    raise capability_denied(capability.value)
