"""Contact moments as the pages show them: the list of the contacts a user
sees, one contact with its items."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User

from ..models import ContactItem, ContactMoment


def contact_list_rows(user: User) -> QuerySet[ContactMoment]:
    """The contacts ``user`` sees (their own, and those of the cases whose
    content they read), with what a row shows: the client, the case and the
    items, in a fixed number of queries."""
    return (
        ContactMoment.objects.visible_to(user)
        .select_related("client", "case")
        .prefetch_related(
            Prefetch("items", queryset=ContactItem.objects.order_by("pk"))
        )
    )


def contact_for(user: User, pk: int) -> ContactMoment:
    """One contact ``user`` sees, or 404."""
    return get_object_or_404(
        contact_list_rows(user).select_related("municipality", "recorded_by"),
        pk=pk,
    )
