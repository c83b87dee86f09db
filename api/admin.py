from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from api import tokens
from api.models import ApiToken
from mbk.admin import ReadOnlyAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are issued by their owners; the admin sees them (never the secret) and revokes
    them through the service, so a revocation is audited and none can be undone here."""

    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    actions = ["revoke_owners_tokens"]

    @admin.action(description=_("Revoke every API token of the selected tokens' owners"))
    def revoke_owners_tokens(self, request, queryset):
        with transaction.atomic():
            for owner in {token.user for token in queryset.select_related("user")}:
                tokens.tokens_revoke_all(user=owner, by=request.user, reason="revoked in the admin")
