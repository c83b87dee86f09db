from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

from directory import services
from directory.models import (
    Affiliation,
    Body,
    Direction,
    Membership,
    Organisation,
    ServiceType,
    SupportInstrument,
)
from mbk import trail
from mbk.admin import ModelAdmin, ReadOnlyAdmin, TabularInline


# --- Memberships changed in the admin are audited on the person ------------------------------
def _role_label(role: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(Membership.Role(role).label) if role in Membership.Role.values else role


def audit_membership(membership: Membership, *, by, action: str, old_role: str = "") -> None:
    """An entry on the person: the body and the role (the old one too when it changed)."""
    role = _role_label(membership.role)
    if old_role and old_role != membership.role:
        role = f"{_role_label(old_role)} → {role}"
    trail.record(
        membership.user,
        actor=by,
        action=f"membership_{action}_in_admin",
        comment=f"{membership.body.name_ru}: {role}",
    )


class AuditedMembershipsMixin:
    """For a ModelAdmin with a membership inline: each membership added, changed or removed
    there gets its audit entry."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        old_roles = {f.instance.pk: f.initial.get("role", "") for f in formset.initial_forms}
        formset.save()
        for membership in formset.new_objects:
            audit_membership(membership, by=request.user, action="added")
        for membership, _fields in formset.changed_objects:
            audit_membership(
                membership, by=request.user, action="changed", old_role=old_roles[membership.pk]
            )
        for membership in formset.deleted_objects:
            audit_membership(membership, by=request.user, action="removed")
        return None


class MembershipInline(TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ("user",)


@admin.register(Direction)
class DirectionAdmin(ModelAdmin):
    list_display = ("name_ru", "name_en", "code", "position")
    list_editable = ("position",)


# What decides at a body's meetings and reviews: a change of these is written to the trail.
DECISION_SETTINGS = (
    "quorum",
    "decision_rule",
    "proxies_count_for_quorum",
    "max_proxies_per_holder",
    "required_reviews",
)


@admin.register(Body)
class BodyAdmin(AuditedMembershipsMixin, ModelAdmin):
    list_display = ("name_ru", "kind", "direction", "position")
    list_filter = ("kind",)
    list_select_related = ("direction",)
    inlines = (MembershipInline,)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = [name for name in DECISION_SETTINGS if change and name in form.changed_data]
        if changed:
            trail.record(
                obj,
                actor=request.user,
                action="decision_settings_changed_in_admin",
                comment="; ".join(
                    f"{name}: {form.initial.get(name)} → {form.cleaned_data.get(name)}"
                    for name in changed
                ),
            )


@admin.register(Membership)
class MembershipAdmin(ModelAdmin):
    list_display = ("user", "body", "role", "since")
    list_filter = ("role", "body")
    list_select_related = ("user", "body")
    autocomplete_fields = ("user",)

    def save_model(self, request, obj, form, change):
        old_role = form.initial.get("role", "") if change else ""
        super().save_model(request, obj, form, change)
        if not change or form.changed_data:
            action = "changed" if change else "added"
            audit_membership(obj, by=request.user, action=action, old_role=old_role)

    def delete_model(self, request, obj):
        audit_membership(obj, by=request.user, action="removed")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "body"):
            audit_membership(membership, by=request.user, action="removed")
        super().delete_queryset(request, queryset)


@admin.register(Organisation)
class OrganisationAdmin(ModelAdmin):
    list_display = ("name_ru", "kind", "inn", "status")
    list_filter = ("status", "kind")
    search_fields = ("name_ru", "name_en", "inn")
    # The status moves only through the confirmation services (here: the actions below).
    readonly_fields = ("status", "decided_at")
    autocomplete_fields = ("contact",)
    actions = ("confirm_selected", "reject_selected")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        organisation = obj

        def clean_contact(self):
            contact = self.cleaned_data.get("contact")
            if contact is not None and (
                organisation is None
                or not Affiliation.objects.filter(
                    user=contact,
                    organisation=organisation,
                    status=Affiliation.Status.CONFIRMED,
                    user__organisation=organisation,
                ).exists()
            ):
                raise ValidationError(
                    _("The contact person must be a confirmed member of the organisation.")
                )
            return contact

        form.clean_contact = clean_contact
        return form

    def save_model(self, request, obj, form, change) -> None:
        """The contact person is named through its service (checked and audited)."""
        contact_changed = "contact" in form.changed_data
        contact = obj.contact
        if contact_changed:
            obj.contact_id = form.initial.get("contact")  # as it was; the service sets it
        super().save_model(request, obj, form, change)
        if contact_changed:
            services.organisation_set_contact(
                organisation_id=obj.pk, by=request.user, contact=contact
            )

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


@admin.register(Affiliation)
class AffiliationAdmin(ReadOnlyAdmin):
    """Decisions on people joining organisations, for reading: they are taken on the page
    «People asking to join an organisation» (confirm / refuse), which audits them."""

    list_display = ("user", "organisation", "status", "decided_by", "decided_at")
    list_filter = ("status",)
    list_select_related = ("user", "organisation", "decided_by")
    search_fields = ("user__last_name", "user__email", "organisation__name_ru")


@admin.register(SupportInstrument)
class SupportInstrumentAdmin(ModelAdmin):
    list_display = ("name_ru", "name_en", "code", "position")


@admin.register(ServiceType)
class ServiceTypeAdmin(ModelAdmin):
    list_display = ("name_ru", "body", "code", "position")
    list_select_related = ("body",)
