"""The programme in the admin site: programmes and the order of sections are editable; the
revisions and versions, which change only through the services, are read-only here."""

from django.contrib import admin

from mbk.admin import ModelAdmin
from programme import services
from programme.models import Programme, ProgrammeVersion, Section, SectionRevision


@admin.register(Programme)
class ProgrammeAdmin(ModelAdmin):
    list_display = ("title_ru", "first_year", "last_year", "created_at")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new programme starts with the typical sections (programme/data/sections.yaml).
        created = services.programme_create(
            title_ru=obj.title_ru,
            title_en=obj.title_en,
            first_year=obj.first_year,
            last_year=obj.last_year,
            by=request.user,
        )
        obj.pk = created.pk


@admin.register(Section)
class SectionAdmin(ModelAdmin):
    list_display = ("title_ru", "programme", "position", "owner", "table", "removed_at")
    list_filter = ("programme", "owner")
    readonly_fields = ("programme", "code", "removed_at")


class ReadOnlyAdmin(ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SectionRevision)
class SectionRevisionAdmin(ReadOnlyAdmin):
    list_display = ("section", "number", "state", "decision_reference", "approved_at")
    list_filter = ("state",)


@admin.register(ProgrammeVersion)
class ProgrammeVersionAdmin(ReadOnlyAdmin):
    list_display = ("programme", "number", "state", "decision_number", "decision_date")
    list_filter = ("state",)
    exclude = ("snapshot",)
