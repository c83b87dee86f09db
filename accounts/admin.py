from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import User
from directory.models import Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "last_name", "first_name", "organisation", "is_active")
    list_select_related = ("organisation",)
    list_filter = ("is_active", "is_staff", "memberships__body")
    search_fields = ("username", "email", "last_name", "first_name")
    autocomplete_fields = ("organisation",)
    inlines = (MembershipInline,)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Organisation and contacts"),
            {"fields": ("middle_name", "organisation", "position", "phone", "language")},
        ),
    )

    def save_model(self, request, obj, form, change):
        # Unticking "active" is a deactivation: the service makes it, so the tokens are revoked
        # and the audit entry names who did it, as on every other path.
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if deactivating:
            obj.is_active = True
        super().save_model(request, obj, form, change)
        if deactivating:
            obj.is_active = False
            services.account_deactivate(user_id=obj.pk, by=request.user)
