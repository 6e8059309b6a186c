"""Filters for the client list: name prefix and date of birth."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Client


class ClientFilter(django_filters.FilterSet):
    """Search the clients a caseworker sees (``Client.objects.visible_to``).

    ``name`` matches the start of the first or the last name, case-insensitively;
    several words must each start a first or last name ("sem bak"), or together
    start one of them ("de vries").
    """

    name = django_filters.CharFilter(
        label=_("Naam"),
        method="filter_name",
        max_length=150,
        help_text=_("Het begin van de voornaam of de achternaam."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    date_of_birth = django_filters.DateFilter(
        label=_("Geboortedatum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Client
        fields = ["name", "date_of_birth"]

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = " ".join(value.split())
        if not value:
            return queryset
        whole = Q(last_name__istartswith=value) | Q(first_name__istartswith=value)
        if " " not in value:
            return queryset.filter(whole)
        words = Q()
        for word in value.split(" "):
            words &= Q(last_name__istartswith=word) | Q(first_name__istartswith=word)
        return queryset.filter(whole | words)
