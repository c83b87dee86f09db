"""Reads of the directory, each a fixed number of queries whatever the number of rows."""

from django.contrib.auth import get_user_model
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Value, When
from django.utils.translation import gettext as _

from directory import rules
from directory.models import (
    Affiliation,
    Body,
    Direction,
    Membership,
    Organisation,
    SupportInstrument,
)

_ROLE_ORDER = Case(
    *(When(role=role, then=Value(rank)) for rank, role in enumerate(Membership.Role.values)),
    output_field=IntegerField(),
)


def people(*, roles, body=None, kind: str | None = None) -> list:
    """The active people holding one of `roles` in `body` (or in any body of `kind`): the one
    query every app asks "who are the chair and secretary of …" with. The role and the body must
    hold for the same membership (one filter() call)."""
    user_model = get_user_model()
    where = {"memberships__body": body} if body is not None else {"memberships__body__kind": kind}
    return list(
        user_model.objects.filter(
            is_active=True, memberships__role__in=list(roles), **where
        ).distinct()
    )


def office_people() -> list:
    """Who acts for the programme office: its chair and staff."""
    return people(
        kind=Body.Kind.PROGRAMME_OFFICE, roles=[Membership.Role.STAFF, Membership.Role.CHAIR]
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


def affiliations_awaiting(user) -> QuerySet:
    """People waiting for their membership of a confirmed organisation to be confirmed: all of
    them for the programme office, those of the organisations it is the contact of for a
    contact person. One query."""
    decided = Affiliation.objects.filter(user=OuterRef("pk"), organisation=OuterRef("organisation"))
    people = (
        get_user_model()
        .objects.filter(is_active=True, organisation__status=Organisation.Status.CONFIRMED)
        .exclude(Exists(decided))
        .exclude(pk=user.pk)
        .select_related("organisation")
        .order_by("date_joined", "pk")
    )
    if not rules.is_programme_office(user):
        people = people.filter(organisation__contact=user)
    return people


def submission_block(user) -> str | None:
    """Why a person of an organisation may not submit proposals yet, in words for them; None
    when they may, or when they name no organisation (nothing they could do about it)."""
    organisation = user.organisation if user.organisation_id else None
    if organisation is None or rules.can_submit_proposals(user):
        return None
    if organisation.status == Organisation.Status.PROPOSED:
        return _("Your organisation awaits the programme office's confirmation; submit after it.")
    if organisation.status == Organisation.Status.REJECTED:
        return _(
            "The programme office has not confirmed your organisation; proposals cannot be "
            "submitted on its behalf."
        )
    if rules.affiliation_status(user) == Affiliation.Status.REFUSED:
        return _(
            "Your membership of %(organisation)s was not confirmed: you cannot submit proposals "
            "on its behalf. If this is a mistake, write to the programme office."
        ) % {"organisation": organisation}
    return _(
        "Your membership of %(organisation)s awaits confirmation by the programme office or the "
        "organisation's contact person. You can prepare proposals now and submit them once it "
        "is confirmed."
    ) % {"organisation": organisation}
