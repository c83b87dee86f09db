"""The programme office's corrections of where a proposal belongs (issue 18): moving it to
another sectoral working group, and closing it as a duplicate of another proposal of its call.
Both go through the one runner (workflow/runner.py) and are rows of the proposal's transition
table (documents/actions.py), like every other transition."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory.models import Body
from documents import rules
from documents.models import Proposal
from documents.transitions import _authors, _begin, _notify
from mbk.exceptions import ActionRefusedError

State = Proposal.State


def _in_site_language(message, **params) -> str:
    """An audit comment is a record, not a page: written in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params


@transaction.atomic
def proposal_move(
    *, proposal_id: int, by: User, group: Body, reason: str, seen_edition: int | None = None
) -> Proposal:
    """The programme office moves a proposal that the group has not decided on (submitted, in
    review or returned for revision) to another sectoral working group, with the reason.

    Changes: the proposal's group and direction; a new review round, so that the old group's
    reviews stay in the history and no longer count; the state goes back to submitted (the new
    group assigns its experts); the old group's assignments end (kept, marked ended) and, with
    the permission sync, the old experts' and the old group's object permissions go. Audited as
    "moved" (from, to, reason). Notifies the new group's chair and secretary, the old group's,
    the experts whose assignment ended and the authors (after commit)."""
    change = _begin(proposal_id, by, seen_edition, "move_to_group", rules.can_move_proposal)
    proposal = change.obj
    reason = reason.strip()
    if not reason:
        raise ActionRefusedError(_("Say why the proposal moves to another working group."))
    if group.kind != Body.Kind.SECTORAL_GROUP:
        raise ActionRefusedError(_("A proposal can move only to a sectoral working group."))
    if group.pk == proposal.group_id:
        raise ActionRefusedError(_("The proposal is already in this working group."))
    old_group = proposal.group
    old_contacts = rules.group_contacts(proposal)
    ending = proposal.assignments.filter(ended_at=None).select_related("expert")
    old_experts = [assignment.expert for assignment in ending]
    ending.update(ended_at=timezone.now())
    change.transition(group=group)
    comment = _in_site_language(
        _("From «%(from)s» to «%(to)s».\n%(reason)s"),
        **{"from": old_group.name, "to": group.name, "reason": reason},
    )
    change.finish("moved", comment=comment)
    params = {"from": old_group.name, "to": group.name}
    _notify(
        rules.group_contacts(proposal),
        proposal,
        kind="documents.moved_here",
        by=by,
        **params,
    )
    _notify(
        old_contacts + old_experts,
        proposal,
        kind="documents.moved_away",
        by=by,
        **params,
    )
    _notify(
        _authors(proposal),
        proposal,
        kind="documents.moved",
        by=by,
        **params,
    )
    return proposal


@transaction.atomic
def proposal_mark_duplicate(
    *,
    proposal_id: int,
    by: User,
    original_id: int,
    reason: str,
    seen_edition: int | None = None,
) -> Proposal:
    """The programme office closes a submitted proposal as a duplicate of another of the same
    call (not itself, not a draft, not itself a duplicate), with the reason.

    Changes: the state (closed as a duplicate, final), the link to the original, the decision's
    date and reason; the experts' review permissions go with the sync. Audited as
    "marked_duplicate". Both proposals are locked, the lower number first, so that two offices
    marking each other's proposal wait for each other instead of making a circle. Notifies the
    authors and the group's chair and secretary (after commit)."""
    reason = reason.strip()
    list(
        Proposal.objects.select_for_update()
        .filter(pk__in=[proposal_id, original_id])
        .order_by("pk")
    )
    change = _begin(proposal_id, by, seen_edition, "mark_duplicate", rules.can_mark_duplicate)
    proposal = change.obj
    if not reason:
        raise ActionRefusedError(_("Say why the proposal is a duplicate."))
    if original_id == proposal.pk:
        raise ActionRefusedError(_("A proposal cannot be a duplicate of itself."))
    original = Proposal.objects.filter(pk=original_id, call_id=proposal.call_id).first()
    if original is None or original.state == State.DRAFT:
        raise ActionRefusedError(
            _("There is no submitted proposal № %(number)s in the call «%(call)s».")
            % {"number": original_id, "call": proposal.call}
        )
    if original.state == State.DUPLICATE:
        raise ActionRefusedError(
            _(
                "Proposal № %(number)s is itself closed as a duplicate of № %(original)s: "
                "name that one."
            )
            % {"number": original.pk, "original": original.duplicate_of_id}
        )
    change.transition(original=original, reason=reason)
    comment = _in_site_language(
        _("Duplicate of proposal № %(number)s.\n%(reason)s"), number=original.pk, reason=reason
    )
    change.finish("marked_duplicate", comment=comment)
    _notify(
        _authors(proposal) + rules.group_contacts(proposal),
        proposal,
        kind="documents.marked_duplicate",
        by=by,
        number=original.pk,
    )
    return proposal
