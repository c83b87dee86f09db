from django.contrib import admin

from mbk.admin import ReadOnlyAdmin
from workflow.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit trail is append-only: readable here, never editable."""

    list_display = ("at", "content_type", "object_id", "sequence", "actor", "action", "to_state")
    list_filter = ("action", "content_type")
    list_select_related = ("actor", "content_type")
