"""Admin mixins every app uses: nothing is deleted from the admin, and rows a
service writes are shown, never added or changed there."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.options import ActionLocation
from django.db.models import Model
from django.http import HttpRequest


class NoDeleteMixin:
    """No delete button and no "delete selected" action."""

    def has_delete_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False

    def get_actions(
        self,
        request: HttpRequest,
        action_location: ActionLocation = ActionLocation.CHANGE_LIST,
    ) -> dict[str, Any]:
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyMixin(NoDeleteMixin):
    """Shown, never added or changed here: a service writes these rows."""

    def has_add_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False
