"""The client's file (dossier): what the client page shows of a client.

Everything is read for one user: their cases of the client, the client's
families (every member's name and relation, a link only to members the user
sees), conflicting interests (R4), care, informal supporters (R11), the
consents given for them (R11) and the referrals the file was sent with or
came from (R13).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from roles.models import Consent, InformalSupporter, Referral
from roles.permissions import Perm, has
from roles.policy import Capability, can

from ..models import Care, Client, ConflictingInterest, FamilyMembership, SupportCase


def client_file(user: User, client: Client) -> dict[str, Any]:
    """The client page's context for ``client`` (fetched through
    ``Client.objects.visible_to(user)``). The cases are only those whose
    content ``user`` reads (under emergency access exactly the one case);
    each family lists all its members, marking which ones ``user`` sees
    (only those become links) and their ages. Lists the template may not
    show stay unevaluated querysets."""
    today = timezone.localdate()
    can_change = has(user, Perm.CHANGE_CLIENT, client)
    return {
        "client": client,
        "age": client.age_on(today),
        "cases": SupportCase.objects.with_content_visible_to(user)
        .filter(client=client)
        .order_by("-opened_at", "-pk"),
        "families": client_families(user, client),
        "care_list": Care.objects.visible_to(user)
        .filter(client=client)
        .select_related("provider")
        .order_by("-started_on", "-pk"),
        "informal_supporters": InformalSupporter.objects.visible_to(user).filter(
            client=client
        ),
        "referrals": client_referrals(user, client),
        "can_change": can_change,
        "can_refer": can_change and can(user, Capability.SEND_REFERRAL),
        "consent_groups": consent_groups(user, client),
    }


def client_families(user: User, client: Client) -> list[dict[str, Any]]:
    """The client's families, by name: the client's relation, every member
    (with whether it is the client, whether ``user`` sees them, their age
    today) and the conflicting interests recorded in it (R4). Four queries."""
    memberships = list(
        client.family_memberships.visible_to(user)
        .select_related("family")
        .order_by("family__name", "pk")
    )
    family_ids = [m.family_id for m in memberships]
    members = list(
        FamilyMembership.objects.visible_to(user)
        .filter(family_id__in=family_ids)
        .select_related("client")
        .order_by("client__last_name", "client__first_name", "pk")
    )
    visible_ids = set(
        Client.objects.visible_to(user)
        .filter(pk__in=[m.client_id for m in members])
        .values_list("pk", flat=True)
    )
    conflicts = list(
        ConflictingInterest.objects.visible_to(user)
        .filter(family_id__in=family_ids)
        .select_related("client_a", "client_b", "recorded_by")
        .order_by("recorded_at", "pk")
    )
    today = timezone.localdate()
    return [
        {
            "family": m.family,
            "relation": m.relation,
            "members": [
                {
                    "membership": member,
                    "is_client": member.client_id == client.pk,
                    "visible": member.client_id in visible_ids,
                    "age": member.client.age_on(today),
                }
                for member in members
                if member.family_id == m.family_id
            ],
            "conflicts": [c for c in conflicts if c.family_id == m.family_id],
        }
        for m in memberships
    ]


def client_referrals(user: User, client: Client) -> list[Referral]:
    """The referrals this file was sent with or came from, newest first (R13)."""
    return list(
        Referral.objects.visible_to(user)
        .filter(Q(source_client=client) | Q(target_client=client))
        .select_related("from_organisation", "to_organisation")
        .order_by("-sent_at", "-pk")
    )


def consent_groups(user: User, client: Client) -> list[dict[str, Any]]:
    """The client's consents, per informal supporter by name, newest first
    within each; a consent about a meeting shows only when ``user`` may read
    that meeting (R2, R11). One query."""
    consents = (
        Consent.objects.visible_to(user)
        .filter(client=client)
        .select_related("informal_supporter", "meeting")
        .annotate(times_shared=Count("shared_items"))
        .order_by("informal_supporter__name", "informal_supporter_id", "-given_on")
    )
    groups: dict[int, dict[str, Any]] = {}
    for consent in consents:
        group = groups.setdefault(
            consent.informal_supporter_id,
            {"supporter": consent.informal_supporter, "consents": []},
        )
        group["consents"].append(consent)
    return list(groups.values())
