from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.forms import UserChangeForm, UserCreationForm
from accounts.models import User
from directory.admin import AuditedMembershipsMixin
from directory.models import Membership
from mbk import trail
from mbk.admin import TabularInline, TextFieldsMixin

# Rights that only deployment grants (`createsuperuser`): a staff member who is not a superuser
# reads them in the admin and changes them for nobody, themselves included.
DEPLOYMENT_RIGHTS = ("is_superuser", "is_staff", "groups", "user_permissions")


class MembershipInline(TabularInline):
    model = Membership
    extra = 1


@admin.register(User)
class UserAdmin(AuditedMembershipsMixin, TextFieldsMixin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
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
            {
                "fields": (
                    "middle_name",
                    "gender",
                    "organisation",
                    "position",
                    "phone",
                    "language",
                )
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return fields + DEPLOYMENT_RIGHTS

    def has_change_permission(self, request, obj=None):
        """A superuser's account (its password too) is changed by superusers only."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A forged POST of the rights' fields is refused, not quietly ignored (403)."""
        if (
            request.method == "POST"
            and not request.user.is_superuser
            and any(name in request.POST for name in DEPLOYMENT_RIGHTS)
        ):
            raise PermissionDenied
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        # Unticking "active" is a deactivation: the service makes it, so the tokens are revoked
        # and the audit entry names who did it, as on every other path.
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if deactivating:
            obj.is_active = True
        super().save_model(request, obj, form, change)
        changed = [name for name in form.changed_data if not (deactivating and name == "is_active")]
        if changed or not change:
            trail.record(
                obj,
                actor=request.user,
                action="user_changed_in_admin" if change else "user_added_in_admin",
                comment=", ".join(changed),
            )
        if deactivating:
            obj.is_active = False
            services.account_deactivate(user_id=obj.pk, by=request.user)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            person = self.get_object(request, unquote(id))
            if response.url != request.get_full_path():  # not the "conflicting data" retry
                trail.record(person, actor=request.user, action="password_set_in_admin")
        return response
