from django.contrib import admin

from documents.models import Call, Proposal, ReviewCriterion
from mbk.admin import ModelAdmin, ReadOnlyAdmin


@admin.register(Call)
class CallAdmin(ModelAdmin):
    list_display = ("title_ru", "opens_on", "closes_on", "first_year", "last_year")
    filter_horizontal = ("directions",)
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ReviewCriterion)
class ReviewCriterionAdmin(ModelAdmin):
    list_display = ("name_ru", "name_en", "weight", "position")
    list_editable = ("weight", "position")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    """Read-only: proposals change through their pages and services only, so that every
    change is checked, audited and notified."""

    list_display = ("title", "organisation", "direction", "state", "round", "created_at")
    list_filter = ("state", "direction", "call")
    list_select_related = ("organisation", "direction")
    search_fields = ("title", "organisation__name_ru")
