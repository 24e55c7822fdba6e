from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from headwise.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read only: the trail is appended to by the application, never edited by hand."""

    list_display = ("seq", "at", "action", "actor_label", "role", "object_type", "practice")
    list_filter = ("action",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
