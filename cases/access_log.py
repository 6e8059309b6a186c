"""The access log (NEN 7513 style): the one place that writes it.

Every page that shows a client's data declares what it showed with
``log_read(request, obj)`` just before it renders; ``log_access`` logs what a
request did and ``log_event`` what a service did without a request (opening
emergency access). Both go through ``_write``, the one function that creates
``AccessLogEntry`` rows; views never create them themselves.

Each row is chained to the previous one by its hash. Writing a row takes the
previous row's hash and inserts one row, in one transaction that serialises
writers: on PostgreSQL a transaction-level advisory lock (``SELECT ... FOR
UPDATE`` of the newest row would let two waiting writers chain to the same
row), on SQLite the write transaction itself (``transaction_mode``
``IMMEDIATE``). A unique constraint on ``previous_hash`` refuses a fork of the
chain should anything slip past the lock.

Cost per logged request: one SELECT of the previous hash and one INSERT, plus
the advisory lock on PostgreSQL (2 queries on SQLite, 3 on PostgreSQL). Inside
an outer transaction no savepoint is made. If writing the log fails, the
request fails: no client data is shown without a log row.

Besides the pages' reads, three things are logged without the views doing
anything: every successful write through ``web.forms.call_service``
(``log_change``: create or update, of the object the service returned or
changed), and every refusal of an action on an object the user can see
(``AccessLogMiddleware``: a 403 from ``roles.permissions.require`` becomes a row
with outcome "denied"). One request writes at most one row: a page that both
changes and shows (an htmx note) logs the change only.

A read of an object that is not visible (404) writes no row: the view stops
before it knows which client the object belongs to, and a refused read shows
nothing. Refused requests are in the web server's access log.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Model

from accounts.models import User

from .models import AccessLogEntry, Client

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

#: The request being handled, for writes logged from ``call_service``.
_current_request: ContextVar[HttpRequest | None] = ContextVar(
    "naast_access_log_request", default=None
)

#: Services whose name ends in one of these verbs create what they return.
CREATING_VERBS = frozenset(
    {"register", "open", "add", "plan", "record", "create", "invite", "start"}
)

#: The key of PostgreSQL's advisory lock that serialises writers of the log.
ADVISORY_LOCK_KEY = 7513

#: The purpose recorded for a read, by the reader's role.
PURPOSES: dict[str, str] = {
    User.Role.AKJ_CONFIDANT: "ondersteuning",
    User.Role.CLIENT_SUPPORTER: "ondersteuning",
    User.Role.TEAM_LEAD: "teamleiding",
    User.Role.DECISION_MAKER: "beschikking",
    User.Role.PRIVACY_OFFICER: "privacytoezicht",
}


#: The purpose recorded when a team lead reads under emergency access (R2).
EMERGENCY_PURPOSE = "noodtoegang"


def request_address(request: HttpRequest) -> str | None:
    """The request's address, normalised as the database returns it."""
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def _client_id(obj: Model | None) -> int | None:
    """The client an object belongs to, from columns the view already loaded."""
    if obj is None:
        return None
    if isinstance(obj, Client):
        return obj.pk
    if hasattr(obj, "client_id"):
        return obj.client_id
    case = getattr(obj, "case", None)
    if case is not None:
        return case.client_id
    return None


def _write(
    *,
    user: User,
    action: str,
    client: Client | None,
    obj: Model | None,
    purpose: str,
    outcome: str,
    on_behalf_of: str,
    object_type: str,
    object_id: str,
    address: str | None,
) -> AccessLogEntry:
    """The one writer of access-log rows: chain to the previous row and insert."""
    entry = AccessLogEntry(
        action=action,
        outcome=outcome,
        user=user,
        user_name=(user.get_full_name() or user.username)[:300],
        user_role=user.role,
        on_behalf_of=on_behalf_of,
        purpose=purpose,
        client_id=client.pk if client is not None else _client_id(obj),
        object_type=object_type or (obj._meta.model_name if obj is not None else ""),
        object_id=(object_id or (str(obj.pk) if obj is not None else ""))[:255],
        address=address,
    )
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        previous = (
            AccessLogEntry.objects.order_by("-pk")
            .values_list("hash", flat=True)
            .first()
        )
        entry.previous_hash = previous or AccessLogEntry.GENESIS
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
    return entry


def log_access(
    *,
    request: HttpRequest,
    action: str,
    client: Client | None = None,
    obj: Model | None = None,
    purpose: str = "",
    outcome: str = AccessLogEntry.Outcome.SUCCESS,
    on_behalf_of: str = "",
    object_type: str = "",
    object_id: str = "",
) -> AccessLogEntry:
    """Append one row to the access log for what ``request.user`` did.

    ``client`` defaults to the client ``obj`` belongs to; ``object_type`` and
    ``object_id`` default to ``obj``'s model name and primary key (a search
    passes ``object_type="search"`` and the query instead).
    """
    # At most one row per request: the first (a change) stands for the page.
    logged = getattr(request, "_naast_access_logged", None)
    if logged is not None:
        return logged
    entry = _write(
        user=request.user,
        action=action,
        client=client,
        obj=obj,
        purpose=purpose,
        outcome=outcome,
        on_behalf_of=on_behalf_of,
        object_type=object_type,
        object_id=object_id,
        address=request_address(request),
    )
    request._naast_access_logged = entry
    return entry


def log_event(
    *,
    user: User,
    action: str,
    obj: Model | None = None,
    client: Client | None = None,
    purpose: str = "",
    address: str | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AccessLogEntry:
    """Append one row for what ``user`` did outside a view: a service that
    grants access (emergency access, R2) logs it in its own transaction, so
    the grant and its log row commit together or not at all. The view passes
    the request's address (``request_address``) through the service. Within a
    request by the same user it is that request's one row. ``object_type``
    and ``object_id`` default to ``obj``'s model name and primary key."""
    entry = _write(
        user=user,
        action=action,
        client=client,
        obj=obj,
        purpose=purpose,
        outcome=AccessLogEntry.Outcome.SUCCESS,
        on_behalf_of="",
        object_type=object_type,
        object_id=object_id,
        address=address,
    )
    request = _current_request.get()
    if request is not None and request.user == user:
        request._naast_access_logged = entry
    return entry


def discard_logged(request: HttpRequest) -> None:
    """Forget the request's row after the transaction that wrote it rolled
    back (a service refused): the page rendered next logs a row of its own."""
    request._naast_access_logged = None


def read_purpose(user: User, obj: Model | None, client: Client | None = None) -> str:
    """The purpose of a read: the reader's role's, or "noodtoegang" when a
    team lead reads what only emergency access shows them (R2): a client's
    file, a meeting, or a case whose content is open to them. Costs one query
    for a team lead reading a case, none otherwise."""
    if user.role == User.Role.TEAM_LEAD and (obj is not None or client is not None):
        # Imported late: roles depends on cases, not the other way round.
        from roles.permissions import reads_under_emergency_access

        if reads_under_emergency_access(user, obj if obj is not None else client):
            return EMERGENCY_PURPOSE
    return PURPOSES.get(user.role, "")


def log_read(
    request: HttpRequest,
    obj: Model | None = None,
    *,
    client: Client | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AccessLogEntry:
    """Log that the page about to be rendered shows ``obj`` (or a search, or
    the log itself) to ``request.user``, with the purpose of their role
    (``read_purpose``)."""
    return log_access(
        request=request,
        action=AccessLogEntry.Action.READ,
        client=client,
        obj=obj,
        purpose=read_purpose(request.user, obj, client),
        object_type=object_type,
        object_id=object_id,
    )


def log_change(
    service: Callable[..., Any], kwargs: Mapping[str, Any], result: Any
) -> AccessLogEntry | None:
    """Log a successful write of the current request (``call_service`` calls
    this): the object the service returned, or else the first object it was
    given that is not a user. Outside a request (commands, the demo seed)
    nothing is logged; the case history records those writes."""
    request = _current_request.get()
    if request is None or not request.user.is_authenticated:
        return None
    obj = result if isinstance(result, Model) else None
    if obj is None:
        obj = next(
            (
                value
                for value in kwargs.values()
                if isinstance(value, Model) and not isinstance(value, User)
            ),
            None,
        )
    verb = service.__name__.rsplit("_", 1)[-1]
    return log_access(
        request=request,
        action=(
            AccessLogEntry.Action.CREATE
            if verb in CREATING_VERBS
            else AccessLogEntry.Action.UPDATE
        ),
        obj=obj,
        purpose=PURPOSES.get(request.user.role, ""),
    )


def permission_denied(perm: str, obj: Model) -> PermissionDenied:
    """The 403 for ``perm`` on ``obj``, carrying the object so that the
    middleware can log the refusal against the client it belongs to."""
    exc = PermissionDenied(perm)
    exc.access_log_obj = obj
    return exc


def capability_denied(capability: str) -> PermissionDenied:
    """The 403 for a kind of work the user's role does not allow
    (``roles.policy.require_capability``), carrying the capability so that
    the middleware logs the refused attempt."""
    exc = PermissionDenied(capability)
    exc.access_log_capability = capability
    return exc


class AccessLogMiddleware:
    """Makes the request known to ``log_change`` and logs refusals.

    A ``PermissionDenied`` raised for an object the user can see (it carries
    the object, see ``permission_denied``) or for a kind of work their role
    does not allow (``capability_denied``) becomes one row with outcome
    "denied", written after the view's transaction has rolled back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if not (
            isinstance(exception, PermissionDenied) and request.user.is_authenticated
        ):
            return
        obj = getattr(exception, "access_log_obj", None)
        capability = getattr(exception, "access_log_capability", None)
        if obj is None and capability is None:
            return
        log_access(
            request=request,
            action=(
                AccessLogEntry.Action.READ
                if request.method in ("GET", "HEAD")
                else AccessLogEntry.Action.UPDATE
            ),
            obj=obj,
            purpose=PURPOSES.get(request.user.role, ""),
            outcome=AccessLogEntry.Outcome.DENIED,
            object_type="" if obj is not None else "capability",
            object_id="" if obj is not None else capability,
        )
