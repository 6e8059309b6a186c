"""The access log (NEN 7513 style): the one place that writes it, one
function per kind of event.

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

Besides the pages' reads, two things are logged without the views doing
anything: every successful write of a service (``log_change``, called by the
one function of ``cases.events`` for that kind of change, which says whether
it creates or updates), and every refusal of an action on an object the user can see
(``audit.middleware.AccessLogMiddleware``: a 403 from ``roles.permissions.require`` becomes a row
with outcome "denied"). One request writes at most one row: a page that both
changes and shows (an htmx note) logs the change only.

A read of an object that is not visible (404) writes no row: the view stops
before it knows which client the object belongs to, and a refused read shows
nothing. Refused requests are in the web server's access log.
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Model

from accounts.models import ROLE_TRAITS, User

from .models import AccessLogEntry

if TYPE_CHECKING:
    from django.http import HttpRequest

#: The request being handled, for writes logged by the services (``log_change``);
#: set by ``audit.middleware.AccessLogMiddleware``.
current_request: ContextVar[HttpRequest | None] = ContextVar(
    "naast_access_log_request", default=None
)

#: The key of PostgreSQL's advisory lock that serialises writers of the log.
ADVISORY_LOCK_KEY = 7513

#: The purpose recorded for a read, by the reader's role (``ROLE_TRAITS``).
PURPOSES: dict[str, str] = {
    role: traits.purpose for role, traits in ROLE_TRAITS.items() if traits.purpose
}


#: The purpose recorded when a team lead reads under emergency access (R2).
EMERGENCY_PURPOSE = "noodtoegang"

#: The purpose in the access log of both sides of a referral.
REFERRAL_PURPOSE = "doorverwijzing"


def request_address(request: HttpRequest) -> str | None:
    """The request's address, normalised as the database returns it."""
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


#: The model a row's ``client`` points at, by label: audit imports no module
#: of cases.
CLIENT_MODEL = "cases.client"


def _client_id(obj: Model | None) -> int | None:
    """The client an object belongs to, from columns the view already loaded."""
    if obj is None:
        return None
    if obj._meta.label_lower == CLIENT_MODEL:
        return obj.pk
    if hasattr(obj, "client_id"):
        return obj.client_id
    case = getattr(obj, "case", None)
    if case is not None:
        return case.client_id
    return None


#: The attribute of the request that holds its one access-log row.
_LOGGED = "_naast_access_logged"


def _logged(request: HttpRequest) -> AccessLogEntry | None:
    return getattr(request, _LOGGED, None)


def _remember(request: HttpRequest, entry: AccessLogEntry | None) -> None:
    setattr(request, _LOGGED, entry)


def _user(request: HttpRequest) -> User:
    """The signed-in user of a request that logs (pages behind the login)."""
    if not isinstance(request.user, User):
        raise TypeError("only a signed-in user's request writes the access log")
    return request.user


def _write(
    *,
    user: User,
    action: str,
    client: Model | None,
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
        object_type=object_type
        or (obj._meta.model_name or "" if obj is not None else ""),
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
    client: Model | None = None,
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
    logged = _logged(request)
    if logged is not None:
        return logged
    entry = _write(
        user=_user(request),
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
    _remember(request, entry)
    return entry


def log_event(
    *,
    user: User,
    action: str,
    obj: Model | None = None,
    client: Model | None = None,
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
    request = current_request.get()
    if request is not None and request.user == user:
        _remember(request, entry)
    return entry


def discard_logged(request: HttpRequest) -> None:
    """Forget the request's row after the transaction that wrote it rolled
    back (a service refused): the page rendered next logs a row of its own."""
    _remember(request, None)


def read_purpose(user: User, obj: Model | None, client: Model | None = None) -> str:
    """The purpose of a read: the reader's role's, or "noodtoegang" when a
    team lead reads what only emergency access shows them (R2): a client's
    file, a meeting, or a case whose content is open to them. Costs one query
    for a team lead reading a case, none otherwise."""
    if user.role == User.Role.TEAM_LEAD and (obj is not None or client is not None):
        # Imported late: roles depends on cases and audit, not the other way
        # round; like ``cases.querysets``, audit asks roles only through
        # ``roles.permissions``.
        from roles.permissions import reads_under_emergency_access

        read = obj if obj is not None else client
        if read is not None and reads_under_emergency_access(user, read):
            return EMERGENCY_PURPOSE
    return PURPOSES.get(user.role, "")


def log_read(
    request: HttpRequest,
    obj: Model | None = None,
    *,
    client: Model | None = None,
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
        purpose=read_purpose(_user(request), obj, client),
        object_type=object_type,
        object_id=object_id,
    )


def log_change(
    *, action: str, obj: Model | None, client: Model | None = None
) -> AccessLogEntry | None:
    """Log a successful write of the current request: ``action`` (create or
    update) of ``obj``, as the event function of ``cases.events`` that calls
    this says. Outside a request (commands, the demo seed) nothing is logged;
    the case history records those writes."""
    request = current_request.get()
    if request is None or not request.user.is_authenticated:
        return None
    return log_access(
        request=request,
        action=action,
        client=client,
        obj=obj,
        purpose=PURPOSES.get(request.user.role, ""),
    )
