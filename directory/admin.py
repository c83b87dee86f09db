from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

from directory import services
from directory.models import (
    Body,
    Direction,
    Membership,
    Organisation,
    ServiceType,
    SupportInstrument,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ("user",)


@admin.register(Direction)
class DirectionAdmin(admin.ModelAdmin):
    list_display = ("name_ru", "name_en", "code", "position")
    list_editable = ("position",)


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name_ru", "kind", "direction", "position")
    list_filter = ("kind",)
    list_select_related = ("direction",)
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "body", "role", "since")
    list_filter = ("role", "body")
    list_select_related = ("user", "body")
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name_ru", "kind", "inn", "status")
    list_filter = ("status", "kind")
    search_fields = ("name_ru", "name_en", "inn")
    # The status moves only through the confirmation services (here: the actions below).
    readonly_fields = ("status", "decided_at")
    actions = ("confirm_selected", "reject_selected")

    def _decide(self, request, queryset, decide) -> None:
        done = 0
        for organisation in queryset:
            try:
                decide(organisation_id=organisation.pk, by=request.user)
                done += 1
            except TransitionNotAllowed:
                self.message_user(
                    request,
                    _("%(name)s was already decided.") % {"name": organisation},
                    messages.WARNING,
                )
        self.message_user(request, _("Organisations decided: %(count)d.") % {"count": done})

    @admin.action(description=_("Confirm the selected organisations"))
    def confirm_selected(self, request, queryset) -> None:
        self._decide(request, queryset, services.organisation_confirm)

    @admin.action(description=_("Reject the selected organisations"))
    def reject_selected(self, request, queryset) -> None:
        self._decide(request, queryset, services.organisation_reject)


@admin.register(SupportInstrument)
class SupportInstrumentAdmin(admin.ModelAdmin):
    list_display = ("name_ru", "name_en", "code", "position")


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ("name_ru", "body", "code", "position")
    list_select_related = ("body",)
