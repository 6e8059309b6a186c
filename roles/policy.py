"""The three support roles and how they differ (R1): one table, read by the services.

Source: ``shared/seed/support-roles-jeugdhulp.txt`` (DOMAIN.md rules R1–R12).
Nothing outside this table decides what a role may do; services ask
``policy_for(role)`` and read a column.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import User
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
class RolePolicy:
    role: SupportRole
    #: The role as a noun inside a sentence ("een %(role)s").
    noun: str
    #: The role is held by a user of Naast (professionals) or by a person
    #: recorded with the client who never logs in (R11).
    is_user: bool
    #: The professional role a user must have to take this support role.
    user_role: str | None
    #: The case kinds this role supports (R3, R8).
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
        case_kinds=frozenset(
            {
                SupportCase.Kind.QUESTION,
                SupportCase.Kind.PROBLEM,
                SupportCase.Kind.COMPLAINT,
                SupportCase.Kind.MEDIATION,
            }
        ),
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
        case_kinds=frozenset({SupportCase.Kind.CARE_QUESTION}),
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
        case_kinds=frozenset(SupportCase.Kind.values),
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
