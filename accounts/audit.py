"""The audit trail of changes to users (``UserAuditEvent``), written from the
models' signals so that no path past it exists: the admin, a management
command, the password and two-factor pages all save the same models.

Recorded: a user's role, organisation, team, e-mail address, active, staff
and superuser flags (``pre_save``/``post_save`` of ``User``), their groups
and the teams they lead (``m2m_changed``), their password (as "changed", never a hash), their second
factor (a django-otp device created, confirmed or removed). The enrolment
code's issue and use are recorded by ``accounts.enrolment`` itself.

Who made the change is the user of the request being handled
(``AuditActorMiddleware`` puts the request in ``_request``), or whoever a
caller names with ``acting_as(user)``; ``None`` for the system (a command, a
migration).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_save,
)
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Organisation, Team, User, UserAuditEvent

Field = UserAuditEvent.Field

#: The fields of ``User`` whose change is recorded, with the event's field.
TRACKED = {
    "role": Field.ROLE,
    "organisation_id": Field.ORGANISATION,
    "team_id": Field.TEAM,
    "email": Field.EMAIL,
    "is_active": Field.IS_ACTIVE,
    "is_staff": Field.IS_STAFF,
    "is_superuser": Field.IS_SUPERUSER,
    "password": Field.PASSWORD,
}
#: Recorded at an account's creation when not empty.
_ON_CREATION = ("role", "organisation_id", "team_id", "is_staff", "is_superuser")
CHANGED = "gewijzigd"
DEVICE_NAMES = {TOTPDevice: "authenticator-app", StaticDevice: "herstelcodes"}

_request: ContextVar[HttpRequest | None] = ContextVar("naast_audit_request")
_actor: ContextVar[User | None] = ContextVar("naast_audit_actor")


@contextlib.contextmanager
def acting_as(user: User | None) -> Iterator[None]:
    """Record the changes made inside the block as made by ``user``."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> User | None:
    """Who is making the changes now: the named actor, else the logged-in user
    of the current request, else nobody (the system)."""
    actor = _actor.get(None)
    if actor is not None:
        return actor
    request = _request.get(None)
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and user.is_authenticated:
        return user
    return None


class AuditActorMiddleware:
    """Makes the request's user the actor of the changes made while handling it
    (read when a change is recorded, so a login inside the request counts)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def record(
    *,
    subject: User,
    field: str,
    old: str = "",
    new: str = "",
    organisation_id: int | None = None,
) -> UserAuditEvent:
    """Append one event about ``subject``, made by the current actor."""
    actor = current_actor()
    return UserAuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.get_username() if actor is not None else "",
        subject_id=subject.pk,
        subject_name=subject.get_username(),
        organisation_id=(
            organisation_id if organisation_id is not None else subject.organisation_id
        ),
        field=field,
        old_value=old,
        new_value=new,
    )


def _display(attname: str, value: Any) -> str:
    """A value as the trail shows it: names with their number for an
    organisation or team, the code of a role, ``ja``/``nee`` for a flag."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if attname in ("organisation_id", "team_id"):
        model = Organisation if attname == "organisation_id" else Team
        name = model.objects.filter(pk=value).values_list("name", flat=True).first()
        return f"{name} ({value})" if name else str(value)
    return str(value)


# --- users ------------------------------------------------------------------------


@receiver(pre_save, sender=User)
def _remember_user(sender, instance: User, raw: bool = False, **kwargs) -> None:
    instance._audit_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    fields = list(TRACKED)
    update_fields = kwargs.get("update_fields")
    if update_fields is not None:
        names = {sender._meta.get_field(n).attname for n in update_fields}
        fields = [f for f in fields if f in names]
        if not fields:
            return
    instance._audit_before = (
        sender._default_manager.filter(pk=instance.pk).values(*fields).first()
    )


@receiver(post_save, sender=User)
def _record_user(sender, instance: User, created: bool, raw: bool = False, **kwargs):
    if raw:
        return
    if created:
        for attname in _ON_CREATION:
            value = getattr(instance, attname)
            if value not in (None, "", False):
                record(
                    subject=instance,
                    field=TRACKED[attname],
                    new=_display(attname, value),
                )
        return
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if not before:
        return
    for attname, old in before.items():
        new = getattr(instance, attname)
        if old == new:
            continue
        if attname == "password":
            # A hash upgraded at login is no change of the password: only a
            # password set (``set_password``) or made unusable is one.
            if instance._password is None and not new.startswith("!"):
                continue
            record(subject=instance, field=Field.PASSWORD, new=CHANGED)
            continue
        record(
            subject=instance,
            field=TRACKED[attname],
            old=_display(attname, old),
            new=_display(attname, new),
            organisation_id=old if attname == "organisation_id" else None,
        )


def _connect_user_m2m(
    through: type[models.Model],
    *,
    field: str,
    other_name: str,
    user_is_forward: bool,
    users_of: Callable[[Any], Any],
) -> None:
    """Record changes of a many-to-many relation of users (groups, the teams
    a team lead leads) from either side, as the names before and after."""
    stash = f"_audit_{field}"

    def names(user_ids: list[int]) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {pk: [] for pk in user_ids}
        rows = through.objects.filter(user_id__in=user_ids).values_list(
            "user_id", other_name
        )
        for user_id, name in rows.order_by(other_name):
            found[user_id].append(name)
        return found

    def handler(sender, instance, action: str, reverse: bool, pk_set, **kwargs):
        on_user = reverse != user_is_forward
        if action.startswith("pre_"):
            if on_user:
                ids = [instance.pk]
            elif pk_set is not None:
                ids = list(pk_set)
            else:  # ``clear()`` names no users: all of them.
                ids = list(users_of(instance).values_list("pk", flat=True))
            setattr(instance, stash, names(ids))
            return
        before = getattr(instance, stash, None)
        if before is None:
            return
        setattr(instance, stash, None)
        after = names(list(before))
        users = {instance.pk: instance} if on_user else User.objects.in_bulk(before)
        for user_id, old in before.items():
            if old != after[user_id] and user_id in users:
                record(
                    subject=users[user_id],
                    field=field,
                    old=", ".join(old),
                    new=", ".join(after[user_id]),
                )

    m2m_changed.connect(handler, sender=through, weak=False)


_connect_user_m2m(
    User.groups.through,
    field=Field.GROUPS,
    other_name="group__name",
    user_is_forward=True,
    users_of=lambda group: group.user_set,
)
_connect_user_m2m(
    Team.leads.through,
    field=Field.LED_TEAMS,
    other_name="team__name",
    user_is_forward=False,
    users_of=lambda team: team.leads,
)


# --- second factor ---------------------------------------------------------------------


def _device_name(device: models.Model) -> str:
    return DEVICE_NAMES.get(type(device), type(device).__name__)


def _remember_confirmed(sender, instance, **kwargs) -> None:
    instance._audit_confirmed = instance.__dict__.get("confirmed")


def _record_device_saved(sender, instance, created: bool, raw=False, **kwargs):
    if raw:
        return
    name = _device_name(instance)
    if created:
        state = "bevestigd" if instance.confirmed else "aangemaakt"
        record(subject=instance.user, field=Field.SECOND_FACTOR, new=f"{name} {state}")
    elif instance.confirmed != getattr(
        instance, "_audit_confirmed", instance.confirmed
    ):
        state = "bevestigd" if instance.confirmed else "niet bevestigd"
        record(subject=instance.user, field=Field.SECOND_FACTOR, new=f"{name} {state}")
    instance._audit_confirmed = instance.confirmed


def _record_device_deleted(sender, instance, **kwargs) -> None:
    user = User.objects.filter(pk=instance.user_id).first()
    if user is not None:
        record(
            subject=user,
            field=Field.SECOND_FACTOR,
            old=_device_name(instance),
            new="verwijderd",
        )


for _model in DEVICE_NAMES:
    post_init.connect(_remember_confirmed, sender=_model)
    post_save.connect(_record_device_saved, sender=_model)
    post_delete.connect(_record_device_deleted, sender=_model)
