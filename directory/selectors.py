"""Reads of the directory, each a fixed number of queries whatever the number of rows."""

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from directory.models import Body, Direction, Membership, Organisation, SupportInstrument

_ROLE_ORDER = Case(
    *(When(role=role, then=Value(rank)) for rank, role in enumerate(Membership.Role.values)),
    output_field=IntegerField(),
)


def _memberships() -> QuerySet[Membership]:
    return (
        Membership.objects.select_related("user__organisation")
        .annotate(role_rank=_ROLE_ORDER)
        .order_by("role_rank", "user__last_name", "user__first_name")
    )


def directory_overview() -> dict:
    """Directions, every body with its members (chair first) and services, the instruments."""
    bodies = list(
        Body.objects.select_related("direction").prefetch_related(
            Prefetch("memberships", queryset=_memberships()), "service_types"
        )
    )
    by_kind = {kind: [body for body in bodies if body.kind == kind] for kind in Body.Kind}
    return {
        "directions": Direction.objects.select_related("working_group"),
        "sectoral_groups": by_kind[Body.Kind.SECTORAL_GROUP],
        "infrastructure_groups": by_kind[Body.Kind.INFRASTRUCTURE_GROUP],
        "governance_bodies": by_kind[Body.Kind.GOVERNANCE],
        "programme_offices": by_kind[Body.Kind.PROGRAMME_OFFICE],
        "instruments": SupportInstrument.objects.all(),
    }


def memberships_of(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("body").order_by("body__position")


def organisations_awaiting_confirmation() -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(status=Organisation.Status.PROPOSED)
        .prefetch_related("people")
        .order_by("pk")
    )
