"""No 500 for an id beyond 64 bits: every model choice field of every admin
form answers with a form error (SQLite cannot even hold such a number)."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from tests.factories import account

HUGE = "99999999999999999999999"


@pytest.fixture
def superuser(db) -> User:
    return account("root-ids", superuser=True)


def test_organisation_add_with_oversized_municipality(client, superuser):
    """The attack from the issue: an oversized municipality id is a form error."""
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_organisation_add"),
        {"name": "Gemeente X", "kind": "municipality", "municipality": HUGE},
    )
    assert response.status_code == 200
    assert "municipality" in response.context["adminform"].form.errors


def test_every_admin_add_form_refuses_oversized_ids(client, superuser):
    """Every foreign-key and many-to-many field of every admin add form, posted
    with an id beyond 64 bits, gets an error next to the field; nothing is
    saved and nothing answers 500."""
    client.force_login(superuser)
    request = RequestFactory().get("/")
    request.user = superuser
    checked = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_add_permission(request):
            continue
        form_class = model_admin.get_form(request)
        names = [
            name
            for name, field in form_class.base_fields.items()
            if isinstance(field, forms.ModelChoiceField)
        ]
        if not names:
            continue
        opts = model._meta
        before = model._default_manager.count()
        data = dict.fromkeys(names, HUGE)
        response = client.post(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_add"), data
        )
        assert response.status_code == 200, opts.label
        errors = response.context["adminform"].form.errors
        for name in names:
            assert name in errors, f"{opts.label}.{name}"
        assert model._default_manager.count() == before, opts.label
        checked.append(opts.label)
    assert {"accounts.Organisation", "accounts.User", "accounts.Team"} <= set(checked)


def test_oversized_ids_in_admin_urls_and_filters(client, superuser):
    """An oversized id in an admin URL or a list filter finds nothing."""
    client.force_login(superuser)
    change = reverse("admin:accounts_user_change", args=[HUGE])
    assert client.get(change).status_code == 302  # "does not exist", to the list
    listing = reverse("admin:accounts_organisation_changelist")
    response = client.get(listing + "?municipality__id__exact=" + HUGE)
    assert response.status_code == 200


def test_oversized_ids_in_every_admin_list_filter(client, superuser):
    """Every foreign key and integer field of every admin list, filtered with
    an oversized number (``?organisation=…``, ``?organisation__in=…``,
    ``?organisation__id__exact=…``), and every change, history and delete
    URL with one, answer without a 500."""
    client.raise_request_exception = False
    client.force_login(superuser)
    failures = []
    for model in admin.site._registry:
        opts = model._meta
        base = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        urls = [base + f"{HUGE}/{view}/" for view in ("change", "history", "delete")]
        for field in opts.fields:
            if field.is_relation:
                urls += [
                    base + f"?{field.name}={HUGE}",
                    base + f"?{field.name}__in={HUGE},1",
                    base + f"?{field.name}__id__exact={HUGE}",
                ]
            elif isinstance(field, models.IntegerField):
                urls += [base + f"?{field.name}={HUGE}"]
        for url in urls:
            status = client.get(url).status_code
            if status >= 500:
                failures.append(f"{url}: {status}")
    assert failures == []
