"""No 500 for an id too large for the database.

SQLite stores integers of at most 64 bits; a query with a larger number
raises ``OverflowError`` (PostgreSQL: an out-of-range error) instead of
finding nothing. Django's own ``exact``/``lt``/``gt`` lookups on integer
fields already answer "no rows" for such numbers, its ``in`` lookup does not,
and the admin's select widgets look the posted ids up with ``in`` to render
the form again. Two changes, installed once from ``AccountsConfig.ready``,
close that for every model choice field of every form:

* an ``in`` lookup on integer fields that leaves out numbers outside the
  column's range (they match no row anyway), and the same ``exact`` and
  ``in`` for foreign keys (``?organisation=…`` in an admin list);
* ``ModelChoiceField`` and ``ModelMultipleChoiceField`` refuse such a number
  as an invalid choice before any query, so the form answers with its usual
  error next to the field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections, models
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In

_installed = False


def out_of_range(field: models.Field, value: Any, using: str = "default") -> bool:
    """Whether ``value`` is a whole number that no row of the integer
    ``field`` can hold on the database ``using``."""
    if not isinstance(field, models.IntegerField):
        return False
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return False
    low, high = connections[using].ops.integer_field_range(field.get_internal_type())
    return (low is not None and number < low) or (high is not None and number > high)


class IntegerFieldIn(In):
    """``in`` on an integer column: numbers outside its range match nothing."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            bounds = _range(connection, self.lhs.output_field)
            kept = [value for value in self.rhs if _within(value, *bounds)]
            if not kept:
                raise EmptyResultSet
            self.rhs = kept
        return super().process_rhs(compiler, connection)


def _range(connection, field: models.Field) -> tuple[int | None, int | None]:
    """The range of the integer column behind ``field`` (a foreign key's
    target), or no bounds for a column that is no integer."""
    target = getattr(field, "target_field", field)
    if not isinstance(target, models.IntegerField):
        return None, None
    return connection.ops.integer_field_range(target.get_internal_type())


def _within(value: Any, low: int | None, high: int | None) -> bool:
    return not isinstance(value, int) or (
        (low is None or value >= low) and (high is None or value <= high)
    )


class ForeignKeyExact(RelatedExact):
    """``exact`` on a foreign key: a number outside the key's range matches
    nothing (as Django's own ``exact`` on an integer field)."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and not _within(
            self.rhs, *_range(connection, self.lhs.output_field)
        ):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


class ForeignKeyIn(RelatedIn):
    """``in`` on a foreign key: numbers outside the key's range match nothing."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            bounds = _range(connection, self.lhs.output_field)
            kept = [value for value in self.rhs if _within(value, *bounds)]
            if not kept:
                raise EmptyResultSet
            self.rhs = kept
        return super().process_rhs(compiler, connection)


def _key_field(field: forms.ModelChoiceField) -> models.Field:
    opts = field.queryset.model._meta
    return opts.get_field(field.to_field_name) if field.to_field_name else opts.pk


def _refuse_out_of_range(field: forms.ModelChoiceField, values: Any) -> None:
    key = _key_field(field)
    for value in values:
        if value not in field.empty_values and out_of_range(
            key, value, field.queryset.db
        ):
            raise ValidationError(
                field.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


def install() -> None:
    """Register the lookup and wrap the two form fields (once)."""
    global _installed
    if _installed:
        return
    _installed = True
    models.IntegerField.register_lookup(IntegerFieldIn)
    models.ForeignKey.register_lookup(ForeignKeyExact)
    models.ForeignKey.register_lookup(ForeignKeyIn)

    single_to_python = forms.ModelChoiceField.to_python

    def to_python(self: forms.ModelChoiceField, value: Any) -> Any:
        _refuse_out_of_range(self, [value])
        return single_to_python(self, value)

    forms.ModelChoiceField.to_python = to_python

    multiple_check_values = forms.ModelMultipleChoiceField._check_values

    def _check_values(self: forms.ModelMultipleChoiceField, value: Any) -> Any:
        try:
            values = frozenset(value)
        except TypeError:
            return multiple_check_values(self, value)
        _refuse_out_of_range(self, values)
        return multiple_check_values(self, value)

    forms.ModelMultipleChoiceField._check_values = _check_values
