"""The filters of the API's lists (django-filter). They narrow what the selectors already
limited to what the caller may see."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from directory.models import Body, Direction, Organisation
from documents.models import Call, Proposal
from meetings.models import Meeting


@extend_schema_field(OpenApiTypes.STR)
class CodesFilter(django_filters.ModelMultipleChoiceFilter):
    """Directory entries by their codes (repeatable: ?direction=pharma&direction=ecology)."""


class Filters(django_filters.FilterSet):
    """A parameter given with no value (`?after=`) is refused (400): ignored, it would answer
    the whole list to a caller who meant to narrow it."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not self.is_bound:
            return valid
        for name in self.filters:
            if "" in self.data.getlist(name):
                self.form.add_error(name, _("Give a value, or leave the parameter out."))
                valid = False
        return valid


class ProposalFilter(Filters):
    state = django_filters.MultipleChoiceFilter(choices=Proposal.State.choices)
    direction = CodesFilter(
        field_name="direction__code",
        to_field_name="code",
        queryset=Direction.objects.all(),
    )
    group = CodesFilter(
        field_name="group__code",
        to_field_name="code",
        queryset=Body.objects.filter(kind__in=Body.WORKING_GROUPS),
    )
    # Never finds a proposal the caller reads blind (api/views.py annotates `blind`): the
    # filter would tell its expert the organisation.
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(), method="by_organisation"
    )
    call = django_filters.ModelChoiceFilter(queryset=Call.objects.all())
    created_after = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("created on or after")
    )
    created_before = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("created on or before")
    )
    submitted_after = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__gte", label=_("submitted on or after")
    )
    submitted_before = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__lte", label=_("submitted on or before")
    )
    decided_after = django_filters.DateFilter(
        field_name="decided_at", lookup_expr="date__gte", label=_("decided on or after")
    )
    decided_before = django_filters.DateFilter(
        field_name="decided_at", lookup_expr="date__lte", label=_("decided on or before")
    )

    class Meta:
        model = Proposal
        fields = []

    def by_organisation(self, queryset, name, value):
        return queryset.filter(organisation=value, blind=False)


class MeetingFilter(Filters):
    state = django_filters.MultipleChoiceFilter(choices=Meeting.State.choices)
    body = django_filters.ModelChoiceFilter(
        field_name="body", to_field_name="code", queryset=Body.objects.all()
    )
    after = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte")
    before = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte")

    class Meta:
        model = Meeting
        fields = []
