"""Programme-office actions on the directory."""

from django.db import transaction

from directory.models import Organisation, OrganisationUserObjectPermission
from workflow import rules


def _decide(organisation_id: int, by, decide) -> Organisation:
    rules.require(rules.can_review_organisations, by)
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    decide(organisation)  # raises TransitionNotAllowed when already decided
    organisation.save()
    # Decided: the proposer no longer edits the organisation's details.
    OrganisationUserObjectPermission.objects.filter(content_object=organisation).delete()
    from directory.tasks import task_send_organisation_decision

    transaction.on_commit(
        lambda: task_send_organisation_decision.delay(organisation_id=organisation_id),
        robust=True,  # the decision stands with the broker down; the mail is logged as lost
    )
    return organisation


@transaction.atomic
def organisation_confirm(*, organisation_id: int, by) -> Organisation:
    """Confirm a proposed organisation: its people may then submit proposals.
    Revokes the proposer's edit permission; e-mails its people after commit."""
    return _decide(organisation_id, by, Organisation.confirm)


@transaction.atomic
def organisation_reject(*, organisation_id: int, by) -> Organisation:
    """Reject a proposed organisation (e.g. a duplicate or not a real entity).
    Revokes the proposer's edit permission; e-mails its people after commit."""
    return _decide(organisation_id, by, Organisation.reject)


@transaction.atomic
def organisation_update(*, organisation_id: int, by, changes: dict) -> Organisation:
    """Correct a proposed organisation's details (its proposer, until it is decided)."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    rules.require(rules.can_edit_organisation, by, organisation)
    for name, value in changes.items():
        setattr(organisation, name, value)
    # The status is protected by the state machine: only transitions may change it.
    organisation.full_clean(exclude=["status"])
    organisation.save(update_fields=[*changes])
    return organisation
