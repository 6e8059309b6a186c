"""``web.pagination.CountWithPagePaginator``: the same pages as Django's
paginator, in one query."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db.models import Count

from accounts.models import Municipality
from tests.factories import MunicipalityFactory
from web.pagination import BoundedCountPaginator, CountWithPagePaginator

PER_PAGE = 25


@pytest.fixture
def municipalities(db):
    for i in range(53):
        MunicipalityFactory(name=f"Gemeente {i:02d}", cbs_code=f"GM{i:04d}")
    return Municipality.objects.order_by("name")


def _summary(page) -> tuple:
    return (
        page.number,
        page.paginator.count,
        page.paginator.num_pages,
        [m.pk for m in page],
        page.has_next(),
        page.has_previous(),
    )


@pytest.mark.parametrize(
    "number",
    [1, "1", 2, "3", 3, 4, "99", 10**40, 0, "-1", "abc", "2.5", None, "²", 2.0],
)
def test_same_page_as_djangos_paginator(municipalities, number):
    """Every page number, valid or not, gives the page Django's ``get_page``
    gives: invalid → first page, past the end or below 1 → last page."""
    ours = CountWithPagePaginator(municipalities, PER_PAGE).get_page(number)
    django = Paginator(municipalities, PER_PAGE).get_page(number)
    assert _summary(ours) == _summary(django)


def test_one_query_for_a_page(municipalities, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = CountWithPagePaginator(municipalities, PER_PAGE).get_page(2)
        assert (page.paginator.count, page.paginator.num_pages, len(page)) == (
            53,
            3,
            25,
        )


def test_empty_list_is_one_empty_page(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = CountWithPagePaginator(
            Municipality.objects.order_by("name"), PER_PAGE
        ).get_page(1)
        assert (page.paginator.count, page.paginator.num_pages, list(page)) == (
            0,
            1,
            [],
        )


def test_distinct_querysets_use_djangos_count(
    municipalities, django_assert_num_queries
):
    """A window counts rows before DISTINCT removes duplicates: a distinct
    list is counted by Django's paginator instead (two queries)."""
    doubled = Municipality.objects.filter(pk__in=municipalities.values("pk")).distinct()
    with django_assert_num_queries(2):
        page = CountWithPagePaginator(doubled.order_by("name"), PER_PAGE).get_page(3)
        assert (page.paginator.count, len(page)) == (53, 3)


def test_grouped_querysets_use_djangos_count(municipalities, django_assert_num_queries):
    """A list with an aggregate (GROUP BY) is counted by Django's paginator."""
    grouped = municipalities.annotate(n=Count("organisations"))
    with django_assert_num_queries(2):
        page = CountWithPagePaginator(grouped, PER_PAGE).get_page(1)
        assert (page.paginator.count, len(page)) == (53, 25)


def test_values_rows_carry_no_total(municipalities):
    """Rows read as values get the count without an extra key."""
    rows = municipalities.values("pk", "name")
    page = CountWithPagePaginator(rows, PER_PAGE).get_page(3)
    assert page.paginator.count == 53
    assert [set(row) for row in page] == [{"pk", "name"}] * 3


def test_bounded_count_stops_at_its_limit(municipalities, django_assert_num_queries):
    """``BoundedCountPaginator`` counts at most ``count_limit`` + 1 rows (a
    LIMIT inside the COUNT), says that there are more, and pages only through
    the counted rows."""
    with django_assert_num_queries(2) as queries:
        page = BoundedCountPaginator(municipalities, 10, count_limit=30).get_page(9)
        assert len(list(page)) == 10
    assert "LIMIT 31" in queries.captured_queries[0]["sql"]
    assert (page.paginator.count, page.paginator.more, page.number) == (30, True, 3)
    exact = BoundedCountPaginator(municipalities, 10, count_limit=53).get_page(1)
    assert (exact.paginator.count, exact.paginator.more) == (53, False)
