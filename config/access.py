"""What a view shows, declared on the view itself (NEN 7513: every read of
client data is logged).

Every view of Naast carries one of two declarations:

* ``@shows_client_data``: the page shows (or may show) data of a client (a
  name, a file, a case's content). Whenever it does, it writes exactly one
  access-log row for the request (``audit.log.log_read``, or the row
  of the change it made).
* ``@shows_no_client_data``: the page shows nothing of any client (the
  login, a report of anonymous counts, the team lead's caseload as numbers).

``tests/web/access/test_access_declarations.py`` walks every URL: a view without a
declaration fails, and every page of the access matrices that shows a
fixture client's name must have written exactly one row.

The module imports nothing of the apps, so every app can use it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

Declaration = Literal["client_data", "no_client_data"]

#: The attribute a declared view carries.
ATTRIBUTE = "naast_shows"


def shows_client_data[V: Callable[..., Any]](view: V) -> V:
    """Declare that ``view`` shows a client's data: it logs every read."""
    setattr(view, ATTRIBUTE, "client_data")
    return view


def shows_no_client_data[V: Callable[..., Any]](view: V) -> V:
    """Declare that ``view`` shows no client's data: nothing to log."""
    setattr(view, ATTRIBUTE, "no_client_data")
    return view


def declaration(view: Callable[..., Any]) -> Declaration | None:
    """What ``view`` declares it shows, or ``None`` when it declares nothing
    (class-based views carry it on ``view_class``)."""
    found = getattr(view, ATTRIBUTE, None)
    if found is None and hasattr(view, "view_class"):
        found = getattr(view.view_class, ATTRIBUTE, None)
    return found
