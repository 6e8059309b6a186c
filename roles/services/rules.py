"""The rule checks about who may support whom, each raising a Dutch
``ValidationError`` (nothing changed).

- R1: a role supports only the case kinds of its policy, and only a user with
  that role holds it.
- R4: one confidant cannot support two family members with conflicting
  interests, in either order (``check_no_one_supports_both`` before a
  conflict is recorded; ``r4_breaches`` reports existing data).
- R9: supporting a client and deciding on their application are never in one
  hand, both ways, across organisations by the person key.
- R6: nothing new starts in a closed case.

``assignments`` and ``attendance`` apply them; ``cases.services`` calls the
public ones (a waiting registration, a conflict, an application).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Application, Client, ConflictingInterest, SupportCase

from ..models import Assignment
from ..policy import SupportRole, policy_for


def _check_role_fits_case(role: str, case: SupportCase) -> None:
    """R1: what a role supports is the policy table's, not the caller's, choice."""
    policy = policy_for(role)
    if case.kind not in policy.case_kinds:
        raise ValidationError(
            _("Een %(role)s ondersteunt geen zaak van de soort '%(kind)s'.")
            % {
                "role": policy_for(role).noun,
                "kind": SupportCase.Kind(case.kind).label.lower(),
            },
            code="r1_role_case_kind",
        )


def _check_user_has_role(user: User, role: str) -> None:
    policy = policy_for(role)
    if not policy.is_user or user.role != policy.user_role or not user.is_active:
        raise ValidationError(
            _("%(user)s kan niet als %(role)s worden toegewezen.")
            % {"user": user, "role": policy_for(role).noun},
            code="r1_user_role",
        )


def _conflicting_members(client: Client) -> list[int]:
    """The family members recorded with interests conflicting with ``client``'s."""
    return list(
        ConflictingInterest.objects.filter(client_a=client)
        .values_list("client_b", flat=True)
        .union(
            ConflictingInterest.objects.filter(client_b=client).values_list(
                "client_a", flat=True
            )
        )
    )


def _r4_refusal(user: User) -> ValidationError:
    # Names the supporter, never the family member: a team lead reads this
    # too, and sees no clients (R2).
    return ValidationError(
        _(
            "%(user)s ondersteunt al een gezinslid met een tegenstrijdig belang. Eén "
            "vertrouwenspersoon kan niet beide gezinsleden ondersteunen; wijs een "
            "andere vertrouwenspersoon toe."
        )
        % {"user": user},
        code="r4_conflicting_interests",
    )


def _check_conflicting_interests(user: User, client: Client) -> None:
    """R4: one confidant cannot support two family members with conflicting interests."""
    other_ids = _conflicting_members(client)
    if other_ids and (
        Assignment.objects.filter(
            user=user, ended_at__isnull=True, case__client_id__in=other_ids
        ).exists()
    ):
        raise _r4_refusal(user)


def check_no_one_supports_both(*, client_a: Client, client_b: Client) -> None:
    """R4 in the other order: a conflict between two family members is not
    recorded while one confidant supports both (the team lead first hands one
    case over); the message names the confidant, not the members."""
    roles = [r for r in SupportRole if policy_for(r).checks_conflicting_interests]
    active = Assignment.objects.filter(
        ended_at__isnull=True, user__isnull=False, role__in=roles
    )
    both = (
        active.filter(case__client=client_a)
        .filter(user__in=active.filter(case__client=client_b).values("user_id"))
        .select_related("user")
        .first()
    )
    if both is not None:
        raise ValidationError(
            _(
                "%(user)s ondersteunt beide gezinsleden. Eén vertrouwenspersoon kan "
                "niet twee gezinsleden met een tegenstrijdig belang ondersteunen: "
                "laat de teamleider eerst één van de zaken overdragen aan een "
                "collega, en leg dan het tegenstrijdig belang vast."
            )
            % {"user": both.user},
            code="r4_supports_both",
        )


def r4_breaches() -> list[str]:
    """Every state that breaks R4: one confidant actively supporting two
    family members recorded with conflicting interests (whatever the order
    in which it came about). One line per breach, ids only."""
    roles = [r for r in SupportRole if policy_for(r).checks_conflicting_interests]
    active = dict.fromkeys(
        Assignment.objects.filter(
            ended_at__isnull=True, user__isnull=False, role__in=roles
        ).values_list("user_id", "case__client_id")
    )
    by_client: dict[int, set[int]] = {}
    for user_id, client_id in active:
        by_client.setdefault(client_id, set()).add(user_id)
    problems = []
    for conflict_id, a, b in ConflictingInterest.objects.values_list(
        "pk", "client_a_id", "client_b_id"
    ).iterator():
        for user_id in sorted(by_client.get(a, set()) & by_client.get(b, set())):
            problems.append(
                f"R4 breach: user {user_id} supports client {a} and client {b} "
                f"(conflicting interest {conflict_id})"
            )
    return problems


def _same_person(client: Client) -> Q:
    """The files that are the same person as ``client``, in any organisation:
    R9 is the one rule that crosses them, by the person key alone."""
    if client.person_key:
        return Q(client__person_key=client.person_key)
    return Q(client=client)


def ensure_not_supporting(*, user: User, client: Client) -> None:
    """R9: a person who supports (or supported) a client cannot decide on that
    client's application, whichever organisation's file they support them in."""
    independent = [r for r in SupportRole if policy_for(r).independent_of_decisions]
    case_of_person = _same_person(client)
    if Assignment.objects.filter(
        user=user,
        role__in=independent,
        case__in=SupportCase.objects.filter(case_of_person).values("pk"),
    ).exists():
        raise ValidationError(
            _(
                "%(user)s ondersteunt (of ondersteunde) deze cliënt en kan daarom niet "
                "beslissen over een aanvraag van deze cliënt. Ondersteuning en beslissen "
                "zijn nooit in één hand."
            )
            % {"user": user},
            code="r9_supporter_decides",
        )


def _check_not_deciding(user: User, client: Client, role: str) -> None:
    """R9, the other way round: a decider of the person's application (in the
    municipality's file of them) cannot support them."""
    if not policy_for(role).independent_of_decisions:
        return
    if Application.objects.filter(_same_person(client), decider=user).exists():
        raise ValidationError(
            _(
                "%(user)s beslist (of besliste) over een aanvraag van deze cliënt en kan "
                "daarom geen ondersteuner van deze cliënt zijn. Ondersteuning en beslissen "
                "zijn nooit in één hand."
            )
            % {"user": user},
            code="r9_decider_supports",
        )


def check_may_support(*, user: User, client: Client, role: str) -> None:
    """The rules about the person that refuse ``user`` as ``role`` of
    ``client``: R4 (a family member with conflicting interests) and R9
    (deciding on their application). ``_start`` applies them; a registration
    waiting for its team lead is checked against them at once."""
    if policy_for(role).checks_conflicting_interests:
        _check_conflicting_interests(user, client)
    _check_not_deciding(user, client, role)


def _on_fields(exc: ValidationError, names: dict[str | None, str]) -> ValidationError:
    """The same refusal, with its errors moved to the caller's field names; an
    error that names no field goes to ``names[None]`` when given."""
    if hasattr(exc, "error_dict"):
        return ValidationError(
            {
                names.get(field, field): errors
                for field, errors in exc.error_dict.items()
            }
        )
    if None in names:
        return ValidationError({names[None]: exc.error_list})
    return exc
