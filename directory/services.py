"""Programme-office actions on the directory, and the confirmation of people joining an
organisation (by the programme office or the organisation's contact person)."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from directory import rules
from directory.models import Affiliation, Organisation, OrganisationUserObjectPermission
from mbk import trail
from mbk.exceptions import ActionRefusedError


def _decide(organisation_id: int, by, decide) -> Organisation:
    rules.require(rules.can_review_organisations, by)
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    from_state = organisation.status
    decide(organisation)  # raises TransitionNotAllowed when already decided
    organisation.save()
    trail.record(
        organisation,
        actor=by,
        action=organisation.status,
        from_state=from_state,
        to_state=organisation.status,
    )
    if organisation.status == Organisation.Status.CONFIRMED:
        # Its people then are those who proposed it (a proposed organisation is not offered
        # at sign-up) or whom the office put there: they are its members.
        people = get_user_model().objects.filter(organisation=organisation)
        Affiliation.objects.bulk_create(
            [
                Affiliation(user=person, organisation=organisation, status="confirmed")
                for person in people.exclude(affiliations__organisation=organisation)
            ]
        )
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
    trail.record(organisation, actor=by, action="organisation_edited", comment=", ".join(changes))
    return organisation


def _decide_affiliation(person_id: int, organisation_id: int, by, status: str) -> Affiliation:
    person = get_user_model().objects.select_for_update().get(pk=person_id)
    if person.organisation_id != organisation_id:
        raise ActionRefusedError(
            _("This person's organisation changed after you opened the page; reload it.")
        )
    rules.require(rules.can_decide_affiliation, by, person)
    if Affiliation.objects.filter(user=person, organisation_id=organisation_id).exists():
        raise ActionRefusedError(_("Someone has already decided on this person; reload the page."))
    affiliation = Affiliation.objects.create(
        user=person, organisation_id=organisation_id, status=status, decided_by=by
    )
    trail.record(
        affiliation,
        actor=by,
        action=f"membership_{status}",
        from_state="pending",
        to_state=status,
        comment=f"{person.get_username()} — {person.organisation.name_ru}",
    )
    trail.notify(
        [person],
        actor=by,
        kind=(
            "directory.membership_confirmed"
            if status == Affiliation.Status.CONFIRMED
            else "directory.membership_refused"
        ),
        params={"organisation": person.organisation},
        url_name="accounts:profile",
        url_kwargs={},
    )
    return affiliation


@transaction.atomic
def affiliation_confirm(*, person_id: int, organisation_id: int, by) -> Affiliation:
    """Confirm that a person belongs to the organisation they named (`organisation_id`, as the
    page showed it): they may then submit on its behalf and be chosen as co-authors. Audited;
    notifies the person (in-app and e-mail after commit)."""
    return _decide_affiliation(person_id, organisation_id, by, Affiliation.Status.CONFIRMED)


@transaction.atomic
def affiliation_refuse(*, person_id: int, organisation_id: int, by) -> Affiliation:
    """Refuse a person's claim to belong to an organisation: they neither submit nor draft
    on its behalf. Audited; notifies the person (in-app and e-mail after commit)."""
    return _decide_affiliation(person_id, organisation_id, by, Affiliation.Status.REFUSED)


@transaction.atomic
def organisation_set_contact(*, organisation_id: int, by, contact) -> Organisation:
    """Name (or clear, with None) the organisation's contact person, who confirms people
    joining it: the programme office, choosing a confirmed member. Audited."""
    rules.require(rules.can_review_organisations, by)
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    if contact is not None and (
        contact.organisation_id != organisation.pk
        or not Affiliation.objects.filter(
            user=contact, organisation=organisation, status=Affiliation.Status.CONFIRMED
        ).exists()
    ):
        raise ActionRefusedError(
            _("The contact person must be a confirmed member of the organisation.")
        )
    organisation.contact = contact
    organisation.save(update_fields=["contact"])
    trail.record(
        organisation,
        actor=by,
        action="contact_set",
        from_state=organisation.status,
        to_state=organisation.status,
        comment=contact.get_username() if contact is not None else "",
    )
    return organisation
