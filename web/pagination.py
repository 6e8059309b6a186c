"""A paginator that reads the total with the page, for lists bounded by one
caseworker's caseload.

Django's ``Paginator`` asks the database twice: ``COUNT(*)`` for the number of
pages, then the page itself. ``CountWithPagePaginator`` asks once, with
``COUNT(*) OVER ()`` beside the page's columns, so a caseworker's list costs
one query and one round trip fewer. The window is computed over every row of
the list before ``LIMIT``, so it suits lists of at most a few thousand rows —
the cases and clients a caseworker supports — and not an organisation's whole
caseload or the access log, where a separate ``COUNT`` lets the page itself
stop after 25 rows of an index.

Behaviour is that of ``Paginator.get_page``: an invalid page number gives the
first page, a number past the end gives the last page (then, and only then,
with Django's two queries), an empty list gives an empty first page. A
queryset with ``DISTINCT`` (the window would count rows before duplicates are
removed) or ``GROUP BY``, one that is sliced or yields neither model instances
nor dicts, orphans, or a database without window functions fall back to
Django's paginator.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable, ValuesIterable

#: The annotation that carries the total on every row of the page.
TOTAL = "naast_window_total"

#: ``COUNT(*) OVER ()``. Written out rather than as ``Window(Count("*"))``,
#: whose compilation took a third of the time Django spends on a list's query;
#: queries with a GROUP BY, where Django would group by it, do not get it.
COUNT_OVER_ALL = RawSQL("COUNT(*) OVER ()", (), output_field=IntegerField())

#: Page numbers beyond this are not sent to the database as an offset (they
#: would overflow it); Django's paginator answers them with the last page.
MAX_PAGE = 2**31


class CountWithPagePaginator(Paginator):
    """``Paginator`` that reads the count in the page's query (see the module)."""

    def get_page(self, number: Any) -> Page:
        queryset = self.object_list
        if not self._single_query_possible(queryset):
            return super().get_page(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        if not 1 <= number <= MAX_PAGE:
            return super().get_page(number)
        bottom = (number - 1) * self.per_page
        rows = list(
            queryset.annotate(**{TOTAL: COUNT_OVER_ALL})[
                bottom : bottom + self.per_page
            ]
        )
        if not rows:
            if number > 1:  # past the end: the last page, as Django does
                return super().get_page(number)
            self.__dict__["count"] = 0
            return self._get_page([], 1, self)
        if isinstance(rows[0], dict):
            self.__dict__["count"] = rows[0][TOTAL]
            for row in rows:
                del row[TOTAL]
        else:
            self.__dict__["count"] = getattr(rows[0], TOTAL)
        return self._get_page(rows, number, self)

    def _single_query_possible(self, queryset: Any) -> bool:
        return (
            isinstance(queryset, QuerySet)
            and queryset._iterable_class in (ModelIterable, ValuesIterable)
            and not queryset.query.is_sliced
            and not queryset.query.distinct
            and queryset.query.group_by is None
            and not self.orphans
            and connections[queryset.db].features.supports_over_clause
        )


class BoundedCountPaginator(Paginator):
    """``Paginator`` for a log that only grows (the access log): it counts at
    most ``count_limit`` rows, so that a page costs the same with a log of a
    thousand rows or of a hundred million. ``more`` tells that there are more
    rows than counted; the pages reach the newest ``count_limit`` rows, and the
    filters (dates, user, client) reach the others."""

    def __init__(self, object_list: Any, per_page: int, *, count_limit: int) -> None:
        super().__init__(object_list, per_page)
        self.count_limit = count_limit

    @cached_property
    def _counted(self) -> int:
        # COUNT(*) over a subquery with LIMIT: the database stops after
        # count_limit + 1 rows of the index.
        return self.object_list[: self.count_limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.count_limit)

    @property
    def more(self) -> bool:
        return self._counted > self.count_limit
