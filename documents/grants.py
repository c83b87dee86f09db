"""Object permissions of a proposal, derived from its state and people and applied by the
services after every change (one function, so grants and revocations cannot drift apart).

- authors (principal and co-authors): view always; change while the proposal is editable;
- assigned experts without a conflict: review;
- once submitted: view for the proposal's working group and the programme office;
- once sent to the governance body: view for its members, also after it returns the proposal
  to the group or decides;
- approved: view for observers;
- from the request of its opinion on: view for each infrastructure group asked for one
  (documents/opinions.py).
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from directory.models import Body
from directory.signals import members_group, observers_group
from documents import rules
from documents.models import (
    Proposal,
    ProposalGroupObjectPermission,
    ProposalUserObjectPermission,
)

State = Proposal.State


def _permissions() -> dict[str, Permission]:
    content_type = ContentType.objects.get_for_model(Proposal)
    return {
        p.codename: p
        for p in Permission.objects.filter(
            content_type=content_type,
            codename__in=["view_proposal", "change_proposal", "review_proposal"],
        )
    }


def _bodies_groups(kind: str) -> list[Group]:
    return [members_group(body) for body in Body.objects.filter(kind=kind)]


def wanted_user_grants(proposal: Proposal) -> set[tuple[int, str]]:
    authors = [proposal.author_id, *proposal.coauthors.values_list("pk", flat=True)]
    wanted = {(person, "view_proposal") for person in authors}
    if proposal.state in Proposal.EDITABLE:
        wanted |= {(person, "change_proposal") for person in authors}
    if proposal.state not in Proposal.FINAL:
        conflicted = set(proposal.conflicts.values_list("person_id", flat=True))
        for expert in proposal.assignments.filter(ended_at=None).values_list(
            "expert_id", flat=True
        ):
            if expert not in conflicted:
                wanted.add((expert, "review_proposal"))
    return wanted


def wanted_group_grants(proposal: Proposal) -> set[tuple[int, str]]:
    groups: list[Group] = []
    if proposal.submitted_at is not None:
        groups.append(members_group(proposal.group))
        groups += _bodies_groups(Body.Kind.PROGRAMME_OFFICE)
    if proposal.sent_to_governance_at is not None:
        groups += _bodies_groups(Body.Kind.GOVERNANCE)
    if proposal.state == State.APPROVED:
        groups.append(observers_group())
    groups += [members_group(opinion.body) for opinion in proposal.opinions.select_related("body")]
    return {(group.pk, "view_proposal") for group in groups}


def sync_proposal_permissions(proposal: Proposal) -> None:
    """Make the proposal's object permissions exactly what its state and people call for."""
    permissions = _permissions()
    _sync(
        ProposalUserObjectPermission,
        "user_id",
        proposal,
        wanted_user_grants(proposal),
        permissions,
    )
    _sync(
        ProposalGroupObjectPermission,
        "group_id",
        proposal,
        wanted_group_grants(proposal),
        permissions,
    )
    # The rules keep what they read on the instance (object permissions, co-authors, conflicts,
    # the group's deciders): after a change of grants or people, this instance reads them anew.
    rules.forget(proposal)


def _sync(model, holder: str, proposal: Proposal, wanted: set, permissions: dict) -> None:
    rows = model.objects.filter(content_object=proposal).values_list(
        "pk", holder, "permission__codename"
    )
    existing = {(who, codename): pk for pk, who, codename in rows}
    stale = [pk for key, pk in existing.items() if key not in wanted]
    model.objects.filter(pk__in=stale).delete()
    model.objects.bulk_create(
        model(
            content_object=proposal,
            permission=permissions[codename],
            **{holder: who},
        )
        for who, codename in wanted - set(existing)
    )
