"""Small-cell suppression (``reports.suppression.suppress``) against
hand-computed tables. Suppression over nested periods and the differencing
attack on it are in ``test_reports.py``.
"""

from __future__ import annotations

import pytest

from reports.suppression import suppress

# --- suppress(): hand-computed ---------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # Nothing small: nothing hidden.
        ([5, 9, 12], ["", "", ""]),
        # Two small cells hide each other: no complement needed.
        ([3, 1, 40], ["small", "small", ""]),
        # Zero is small too: "nobody" is not shown either.
        ([0, 7, 9], ["small", "complementary", ""]),
        # One small cell: the smallest other cell is hidden as well, else
        # 3 = 30 − 12 − 15 could be computed from the total.
        ([12, 3, 15], ["complementary", "small", ""]),
        # Equal candidates: the first of them.
        ([6, 2, 6, 9], ["complementary", "small", "", ""]),
        # The complement is the smallest, not the neighbour.
        ([50, 4, 30, 8, 20], ["", "small", "", "complementary", ""]),
        # Every cell small (total under 5 too).
        ([1, 2], ["small", "small"]),
        # A single-cell table equals its total; nothing to hide it with.
        ([3], ["small"]),
        ([], []),
    ],
)
def test_suppress(values, expected):
    """Counts under 5 are hidden, and a table never has exactly one hidden
    cell, so that no hidden count can be computed back from the shown total."""
    assert suppress(values) == expected


@pytest.mark.parametrize(
    "values",
    [[12, 3, 15], [0, 7, 9], [6, 2, 6, 9], [50, 4, 30, 8, 20], [5, 5, 4, 100]],
)
def test_no_table_has_a_single_hidden_cell(values):
    """With the total shown, a table has zero or at least two hidden cells."""
    hidden = sum(1 for reason in suppress(values) if reason)
    assert hidden == 0 or hidden >= 2
