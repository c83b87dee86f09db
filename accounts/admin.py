from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

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
