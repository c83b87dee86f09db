"""Who a person is in the cluster, and who may see and change its directory.

The shared core of the permission rules: the roles of a person (read once per request-bound
user object), guardian object permissions read without the superuser shortcut, and
`require()`. Every app keeps the predicates for its own objects in its own `rules.py`
(shared/STYLE.md) and builds them from these.
"""

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from directory.models import Affiliation, Body, Membership, Organisation
from mbk.subqueries import rows_of, values_list_of

Role = Membership.Role


def roles_of(user) -> set[tuple[str, str]]:
    """The (body kind, role) pairs of a person, read once per request-bound user object (or
    with it: with_memberships())."""
    if not hasattr(user, "_mbk_roles"):
        remember_memberships(user, user.memberships.values_list("body_id", "body__kind", "role"))
    return user._mbk_roles


def with_memberships(people):
    """The people annotated with their memberships (`membership_rows`), read in their own
    query: the session's person comes with them, and the rules of the request ask no more."""
    memberships = Membership.objects.filter(user=OuterRef("pk"))
    return people.annotate(
        membership_rows=rows_of(memberships, "user", body="body_id", kind="body__kind", role="role")
    )


def remember_memberships(user, rows) -> None:
    """Keep a person's memberships, (body id, body kind, role) each, as roles_of() reads them."""
    rows = list(rows)
    user._mbk_roles = {(kind, role) for _body, kind, role in rows}
    user._mbk_role_in_body = {body: role for body, _kind, role in rows}
    user._mbk_governance_role = next(
        (role for _body, kind, role in rows if kind == Body.Kind.GOVERNANCE), None
    )


def role_in(user, body_id: int) -> str | None:
    """The person's role in one body, or None."""
    if not is_signed_in(user):
        return None
    roles_of(user)
    return user._mbk_role_in_body.get(body_id)


def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_programme_office(user) -> bool:
    if not is_signed_in(user):
        return False
    return any(kind == Body.Kind.PROGRAMME_OFFICE for kind, _ in roles_of(user))


def is_observer(user) -> bool:
    if not is_signed_in(user):
        return False
    return any(role == Membership.Role.OBSERVER for _, role in roles_of(user))


def has_object_permission(user, codename: str, obj) -> bool:
    """A guardian object permission granted to the person or to one of their groups, read from
    the direct-FK tables. Unlike `user.has_perm`, superuser status does not stand in for it: an
    administrator is not an author, an expert or a member of a body. The person's permissions
    on an object are read in one query and kept on the instance the request loaded (a fresh
    load reads fresh grants)."""
    if not is_signed_in(user):
        return False
    cache = obj.__dict__.setdefault("_mbk_object_permissions", {})
    if user.pk not in cache:
        direct = get_user_obj_perms_model(obj).objects.filter(content_object=obj, user=user)
        via_group = get_group_obj_perms_model(obj).objects.filter(
            content_object=obj, group__user=user
        )
        cache[user.pk] = set(
            direct.values_list("permission__codename", flat=True).union(
                via_group.values_list("permission__codename", flat=True)
            )
        )
    return codename in cache[user.pk]


def with_object_permissions(queryset, user, codenames: tuple[str, ...]):
    """The rows annotated with which of the object permissions `codenames` the person has
    (granted to them or to one of their groups), for remember_object_permissions(): guardian's
    prefetch_perms for rows loaded anyway, at no extra query. Two lists, not two EXISTS per
    permission: the lookup's SQL was long enough that planning it took 2.8 ms of its 3.2."""
    model = queryset.model
    # The model's own permissions only (a codename alone could name another model's): the
    # lookup of a proposal decides by its view permission whether it exists for the person.
    permissions = {
        "permission__content_type": ContentType.objects.get_for_model(model),
        "permission__codename__in": codenames,
    }
    direct = get_user_obj_perms_model(model).objects.filter(
        content_object=OuterRef("pk"), user=user, **permissions
    )
    via_group = get_group_obj_perms_model(model).objects.filter(
        content_object=OuterRef("pk"), group__user=user, **permissions
    )
    return queryset.annotate(
        _mbk_granted=values_list_of(direct, "permission__codename", outer="content_object"),
        _mbk_granted_to_groups=values_list_of(
            via_group, "permission__codename", outer="content_object"
        ),
    )


def remember_object_permissions(obj, user, codenames: tuple[str, ...]) -> None:
    """Keep the permissions with_object_permissions() read for the person on the instance, as
    has_object_permission() would after its query."""
    if is_signed_in(user):
        granted = {*(obj._mbk_granted or ()), *(obj._mbk_granted_to_groups or ())}
        cache = obj.__dict__.setdefault("_mbk_object_permissions", {})
        cache[user.pk] = {c for c in codenames if c in granted}


def governance_role(user) -> str | None:
    if not is_signed_in(user):
        return None
    roles_of(user)
    return user._mbk_governance_role


def require(predicate: Callable[..., bool], user, *objects) -> None:
    """Raise PermissionDenied unless `predicate(user, *objects)` holds."""
    if not predicate(user, *objects):
        raise PermissionDenied


# --- The directory ---------------------------------------------------------------------------
def can_view_directory(user) -> bool:
    return is_signed_in(user)


def can_review_organisations(user) -> bool:
    return is_programme_office(user)


def can_decide_organisation(user, organisation: Organisation) -> bool:
    """Confirm or reject a proposed organisation: the programme office, while it waits."""
    return is_programme_office(user) and organisation.status == Organisation.Status.PROPOSED


def can_edit_organisation(user, organisation: Organisation) -> bool:
    """The person who proposed an organisation may correct it until it is decided."""
    return (
        is_signed_in(user)
        and organisation.status == Organisation.Status.PROPOSED
        and has_object_permission(user, "change_organisation", organisation)
    )


def affiliation_status(user) -> str | None:
    """The decision on the person's belonging to their organisation: confirmed, refused, or
    None while it awaits one (or when the person names no organisation). Read once per
    request-bound user object and organisation."""
    if not is_signed_in(user) or user.organisation_id is None:
        return None
    cached = getattr(user, "_mbk_affiliation", None)
    if cached is None or cached[0] != user.organisation_id:
        status = (
            Affiliation.objects.filter(user=user, organisation_id=user.organisation_id)
            .values_list("status", flat=True)
            .first()
        )
        user._mbk_affiliation = cached = (user.organisation_id, status)
    return cached[1]


def can_submit_proposals(user) -> bool:
    """Only confirmed members of a confirmed organisation may submit anchor-project
    proposals: joining an existing organisation is confirmed by the programme office or by
    the organisation's contact person."""
    return (
        is_signed_in(user)
        and user.organisation_id is not None
        and user.organisation.status == Organisation.Status.CONFIRMED
        and affiliation_status(user) == Affiliation.Status.CONFIRMED
    )


def can_review_affiliations(user) -> bool:
    """See the people waiting to join organisations: the programme office (all of them) and
    organisations' contact persons (their own organisation's)."""
    return is_programme_office(user) or (
        is_signed_in(user) and user.organisations_in_contact.exists()
    )


def can_decide_affiliation(user, person) -> bool:
    """Confirm or refuse that a person belongs to the (confirmed) organisation they named: the
    programme office or that organisation's contact person, never for themselves. Whether it
    is still undecided is the service's to say (409)."""
    organisation = person.organisation
    return (
        is_signed_in(user)
        and organisation is not None
        and organisation.status == Organisation.Status.CONFIRMED
        and person.pk != user.pk
        and (is_programme_office(user) or organisation.contact_id == user.pk)
    )


def can_draft_proposals(user) -> bool:
    """People of an organisation may draft while it awaits confirmation, so no time is lost;
    submitting waits for the confirmation (the service says so). A rejected organisation's
    people, people the organisation refused and observers do not draft."""
    return (
        is_signed_in(user)
        and user.organisation_id is not None
        and user.organisation.status != Organisation.Status.REJECTED
        and affiliation_status(user) != Affiliation.Status.REFUSED
        and not is_observer(user)
    )
