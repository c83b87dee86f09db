from django.contrib import admin

from workflow.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail is append-only: readable here, never editable."""

    list_display = ("at", "content_type", "object_id", "sequence", "actor", "action", "to_state")
    list_filter = ("action", "content_type")
    list_select_related = ("actor", "content_type")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
