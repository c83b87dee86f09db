"""Members vote themselves: ballots on the decision items of a held meeting, and proxies.

Whoever runs the meeting (rules.can_run_meeting) opens a ballot on an item's motion (named or
secret; one open ballot per item; the quorum needed), may cancel it with a reason and open
another, records paper ballots and a unanimous show of hands, and closes it: closing records
the item's decision and applies its transition (services._apply), as the decision of the
meeting always did. Each present voting member votes from their own session, and for an absent
member whose proxy they hold.

Opening, closing and cancelling change the meeting's record and bump its edition; a vote locks
only its ballot's row, so that members voting at once do not refuse each other.

A secret ballot keeps *that* someone voted (BallotParticipation: no choice, no time) and its
totals (counters on the ballot): never whose vote was which, in a table, an audit entry, a
notice or a log line. (With DEBUG on, Django's SQL log would show which counter a vote raised
next to its participation row: production runs with DEBUG off, and so must PostgreSQL's own
statement log.)"""

import logging

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from directory import rules as directory_rules
from directory.models import Membership
from mbk.exceptions import ActionRefusedError
from meetings import rules, selectors, services
from meetings.models import (
    AgendaItem,
    Ballot,
    BallotParticipation,
    BallotVote,
    Meeting,
    Proxy,
    short_name,
)
from workflow import audit, runner

logger = logging.getLogger(__name__)

Choice = Ballot.Choice
Method = BallotVote.Method
Outcome = AgendaItem.Outcome

# While the minutes are open a proxy may be given; it may be taken back until the meeting.
PROXY_GIVEN_WHILE = (Meeting.State.PLANNED, Meeting.State.AGENDA_PUBLISHED, Meeting.State.HELD)
PROXY_REVOKED_WHILE = (Meeting.State.PLANNED, Meeting.State.AGENDA_PUBLISHED)

# What the audit trail and the minutes say of a vote cast other than in person.
METHOD_MARKS = {
    Method.PROXY: gettext_lazy("by proxy"),
    Method.PAPER: gettext_lazy("entered by the secretary from a paper ballot"),
    Method.SHOW_OF_HANDS: gettext_lazy("unanimously, by show of hands"),
}


# --- Ballots: opened, closed and cancelled by whoever runs the meeting -------------------------
def _lock_ballot(ballot_id: int) -> Ballot:
    return (
        Ballot.objects.select_for_update(of=("self",))
        .select_related("item__meeting__body")
        .get(pk=ballot_id)
    )


def _require_open(ballot: Ballot) -> None:
    if not ballot.is_open:
        raise ActionRefusedError(_("This vote is over: it was closed or cancelled."))


def _running(ballot_id: int, by: User) -> tuple[runner.Change, Ballot]:
    """The meeting locked for a change by whoever runs it (held meetings only), then its
    ballot, which must be open."""
    meeting_id = Ballot.objects.values_list("item__meeting_id", flat=True).get(pk=ballot_id)
    change = services._begin(meeting_id, by, states=(Meeting.State.HELD,))
    ballot = _lock_ballot(ballot_id)
    _require_open(ballot)
    return change, ballot


@transaction.atomic
def ballot_open(*, item_id: int, by: User, kind: str) -> Ballot:
    """Open a named or secret ballot on a decision item of a held meeting with a quorum. An
    item decided already, or with an open ballot, is refused; after a cancelled ballot a new
    one may be opened."""
    meeting_id = AgendaItem.objects.values_list("meeting_id", flat=True).get(pk=item_id)
    change = services._begin(meeting_id, by, states=(Meeting.State.HELD,))
    item = AgendaItem.objects.select_for_update().get(pk=item_id)
    if not item.is_decision:
        raise ActionRefusedError(_("A free item is discussed, not voted on."))
    if item.result:
        raise ActionRefusedError(_("The decision on this item is recorded already."))
    if kind not in (Ballot.Kind.NAMED, Ballot.Kind.SECRET):
        raise ActionRefusedError(_("Choose a named vote or a secret ballot."))
    if item.ballots.filter(state=Ballot.State.OPEN).exists():
        raise ActionRefusedError(_("A vote on this item is open already."))
    services._require_quorum(change.obj)
    ballot = Ballot.objects.create(
        item=item,
        kind=kind,
        opened_by=by,
        opened_at=timezone.now(),
        rule=change.obj.body.decision_rule,
        eligible=len(selectors.voters(item)),
    )
    change.finish(
        "ballot_opened",
        # The rule by its code: its wording names the choices, which an entry of a secret
        # ballot must not (tests/meetings/test_ballots.py reads every row for them).
        comment=_("%(item)s: %(kind)s; rule %(rule)s; %(n)s entitled to vote")
        % {
            "item": item.position,
            "kind": ballot.get_kind_display(),
            "rule": ballot.rule,
            "n": ballot.eligible,
        },
    )
    return ballot


@transaction.atomic
def ballot_cancel(*, ballot_id: int, by: User, reason: str) -> Ballot:
    """Cancel an open ballot (its votes stay on record but count for nothing); a new one may
    then be opened on the item."""
    change, ballot = _running(ballot_id, by)
    if not reason.strip():
        raise ActionRefusedError(_("Say why the vote is cancelled."))
    ballot.state = Ballot.State.CANCELLED
    ballot.cancel_reason = reason.strip()
    ballot.closed_by = by
    ballot.closed_at = timezone.now()
    ballot.save()
    change.finish("ballot_cancelled", comment=f"{ballot.item.position}: {reason.strip()}")
    return ballot


def _totals(ballot: Ballot) -> str:
    return _("for %(for)s, against %(against)s, abstained %(abstained)s") % {
        "for": ballot.votes_for,
        "against": ballot.votes_against,
        "abstained": ballot.votes_abstained,
    }


@transaction.atomic
def ballot_close(*, ballot_id: int, by: User, note: str = "") -> AgendaItem:
    """Close the ballot and record the item's decision from its totals (Ballot.adopted): an
    adopted motion's transition is applied in the same transaction, with the minutes' number
    and item as its reference; a refusal there leaves the ballot open and nothing recorded."""
    change, ballot = _running(ballot_id, by)
    meeting = change.obj
    item = AgendaItem.objects.select_for_update().get(pk=ballot.item_id)
    services._require_quorum(meeting)
    if ballot.cast == 0:
        raise ActionRefusedError(_("Nobody has voted yet."))
    _require_counts_match_the_votes(ballot)
    adopted = ballot.adopted
    if (
        adopted
        and item.programme_version_id
        and item.motion == Outcome.APPROVE
        and directory_rules.role_in(by, meeting.body_id) != Membership.Role.CHAIR
    ):
        raise ActionRefusedError(
            _("The programme is signed off by the chair: the chair records this decision.")
        )
    if adopted:
        services._apply(meeting, item, by, note.strip())
    item.result = AgendaItem.Result.ADOPTED if adopted else AgendaItem.Result.NOT_ADOPTED
    item.decision_note = note.strip()
    item.decided_at = timezone.now()
    item.save()
    ballot.state = Ballot.State.CLOSED
    ballot.closed_by = by
    ballot.closed_at = item.decided_at
    ballot.save()
    change.finish(
        "ballot_closed",
        comment=f"{item.position}: {_totals(ballot)}. {item.get_result_display()}",
    )
    return item


def _require_counts_match_the_votes(ballot: Ballot) -> None:
    """The counters the decision is taken from agree with the votes recorded: each named vote
    (its choice), each secret participation (one vote each). Every service keeps them in step;
    a difference means the rows were changed past the services (a database console), and no
    decision is recorded from them."""
    if ballot.is_secret:
        recorded = ballot.participations.count()
        agree = recorded == ballot.cast
    else:
        recorded = dict.fromkeys(Choice.values, 0)
        for choice, n in ballot.votes.values_list("choice").annotate(n=Count("pk")):
            recorded[choice] = n
        agree = all(recorded[c] == getattr(ballot, Ballot.COUNTERS[c]) for c in Choice.values)
    if not agree:
        logger.warning("Ballot %s: its counters do not match its recorded votes", ballot.pk)
        raise ActionRefusedError(
            _(
                "The totals of this vote do not match the votes recorded: the records were "
                "changed outside the system. No decision is recorded; cancel this vote and hold "
                "it again, and tell the programme office."
            )
        )


# --- Votes: each locks its ballot only -------------------------------------------------------
def _voter_of(ballot: Ballot, person: User) -> selectors.Voter | None:
    return next((v for v in selectors.voters(ballot.item) if v.person.pk == person.pk), None)


def _why_not(ballot: Ballot, person: User, cast_by: User) -> str:
    """Why `cast_by` may not cast `person`'s vote on the ballot's item (for the refusal)."""
    item, meeting = ballot.item, ballot.item.meeting
    present = {p.pk for p in selectors.present_members(meeting)}
    name = short_name(person)
    if cast_by.pk not in present:
        return _("You are not marked present at the meeting: only members present vote.")
    if selectors.is_conflicted(cast_by, item):
        if cast_by.pk == person.pk:
            return _("You have a conflict of interest on this item and do not vote on it.")
        return _("You have a conflict of interest on this item: you cannot carry a proxy on it.")
    if person.pk != cast_by.pk:
        if person.pk in present:
            return _("%(name)s is present and votes themselves.") % {"name": name}
        if not meeting.proxies.filter(grantor=person, holder=cast_by, revoked_at=None).exists():
            return _("%(name)s has not given you their vote at this meeting.") % {"name": name}
        if selectors.is_conflicted(person, item):
            return _(
                "%(name)s has a conflict of interest on this item: nobody casts their vote."
            ) % {"name": name}
    return _("%(name)s does not vote on this item.") % {"name": name}


def _count(ballot: Ballot, choice: str, step: int) -> None:
    counter = Ballot.COUNTERS[choice]
    Ballot.objects.filter(pk=ballot.pk).update(**{counter: F(counter) + step})


def _cast(ballot: Ballot, voter: User, by: User, method: str, choice: str) -> None:
    """Record the vote and its audit entry. Secret: a participation row and a counter, and
    an entry that says only that the voter voted. Named: the vote, which its voter (or whoever
    cast it) may change while the ballot is open."""
    if choice not in Choice.values:
        raise ActionRefusedError(_("A vote is for, against or abstained."))
    meeting = ballot.item.meeting
    who = short_name(voter)
    mark = METHOD_MARKS.get(method)
    if ballot.is_secret:
        _participation, created = BallotParticipation.objects.get_or_create(
            ballot=ballot, voter=voter, defaults={"cast_by": by, "method": method}
        )
        if not created:
            raise ActionRefusedError(
                _("%(name)s has voted in this secret ballot: a secret vote cannot be changed.")
                % {"name": who}
            )
        _count(ballot, choice, +1)
        comment = _("%(item)s: %(name)s voted") % {"item": ballot.item.position, "name": who}
    else:
        if ballot.kind == Ballot.Kind.SHOW_OF_HANDS:
            raise ActionRefusedError(
                _(
                    "Everyone voted for by a show of hands. If that is not so, the chair cancels "
                    "this vote and opens a new one."
                )
            )
        vote = ballot.votes.filter(voter=voter).first()
        if vote is not None:
            _count(ballot, vote.choice, -1)
            vote.choice, vote.cast_by, vote.method = choice, by, method
            vote.cast_at = timezone.now()
            vote.save()
        else:
            BallotVote.objects.create(
                ballot=ballot,
                voter=voter,
                cast_by=by,
                method=method,
                choice=choice,
                cast_at=timezone.now(),
            )
        _count(ballot, choice, +1)
        comment = _("%(item)s: %(name)s — %(choice)s") % {
            "item": ballot.item.position,
            "name": who,
            "choice": Choice(choice).label,
        }
    if mark:
        comment = f"{comment} ({mark})"
    audit.record(meeting, actor=by, action="ballot_voted", comment=comment)


@transaction.atomic
def ballot_vote(*, ballot_id: int, by: User, choice: str, voter_id: int | None = None) -> None:
    """The member votes on the open ballot: their own vote, or (`voter_id`) the vote of an
    absent member whose proxy they hold. Present, without a conflict of interest on the item;
    a secret vote once. The meeting's edition does not change."""
    ballot = _lock_ballot(ballot_id)
    _require_open(ballot)
    rules.require(rules.can_vote, by, ballot)
    voter = by if voter_id in (None, by.pk) else User.objects.filter(pk=voter_id).first()
    found = _voter_of(ballot, voter) if voter is not None else None
    if voter is None or found is None or found.casts.pk != by.pk:
        raise ActionRefusedError(_why_not(ballot, voter or by, by))
    _cast(ballot, voter, by, Method.IN_PERSON if voter.pk == by.pk else Method.PROXY, choice)


@transaction.atomic
def ballot_vote_paper(*, ballot_id: int, by: User, voter_id: int, choice: str) -> None:
    """The secretary (or chair) enters a present member's vote from their paper ballot."""
    ballot = _lock_ballot(ballot_id)
    _require_open(ballot)
    rules.require(rules.can_run_meeting, by, ballot.item.meeting)
    voter = User.objects.filter(pk=voter_id).first()
    found = _voter_of(ballot, voter) if voter is not None else None
    if found is None or found.holder is not None:
        name = short_name(voter) if voter else "—"
        raise ActionRefusedError(
            _("%(name)s is not a present member who votes on this item.") % {"name": name}
        )
    _cast(ballot, voter, by, Method.PAPER, choice)


@transaction.atomic
def ballot_all_in_favour(*, ballot_id: int, by: User) -> Ballot:
    """By an open show of hands everyone agrees: the chair records in one act that every
    member who votes on the item (and every proxy held) voted for. Not for a secret ballot,
    nor once someone has voted."""
    ballot = _lock_ballot(ballot_id)
    _require_open(ballot)
    rules.require(rules.can_run_meeting, by, ballot.item.meeting)
    if ballot.kind != Ballot.Kind.NAMED:
        raise ActionRefusedError(_("A secret ballot is not taken by a show of hands."))
    if ballot.votes.exists():
        raise ActionRefusedError(
            _("Members have started voting: let everyone vote, or cancel this vote first.")
        )
    everyone = selectors.voters(ballot.item)
    if not everyone:
        raise ActionRefusedError(_("Nobody present votes on this item."))
    now = timezone.now()
    BallotVote.objects.bulk_create(
        BallotVote(
            ballot=ballot,
            voter=v.person,
            cast_by=by,
            method=Method.SHOW_OF_HANDS,
            choice=Choice.FOR,
            cast_at=now,
        )
        for v in everyone
    )
    ballot.kind = Ballot.Kind.SHOW_OF_HANDS
    ballot.votes_for = len(everyone)
    ballot.save(update_fields=["kind", "votes_for"])
    audit.record(
        ballot.item.meeting,
        actor=by,
        action="ballot_all_in_favour",
        comment=_("%(item)s: all %(n)s voted for, by show of hands")
        % {"item": ballot.item.position, "n": len(everyone)},
    )
    return ballot


# --- Proxies ---------------------------------------------------------------------------------
@transaction.atomic
def proxy_grant(*, meeting_id: int, by: User, holder_id: int) -> Proxy:
    """The member gives their vote at this meeting to another voting member of the body (who
    holds no more proxies than the body allows, and has not given their own)."""
    change = runner.begin(
        Meeting, meeting_id, by=by, rule=rules.can_grant_proxy, states=PROXY_GIVEN_WHILE
    )
    meeting = change.obj
    holder = User.objects.filter(pk=holder_id).first()
    if holder is None or not rules.is_voting_member(holder, meeting) or holder.pk == by.pk:
        raise ActionRefusedError(_("Give your vote to another voting member of the body."))
    active = meeting.proxies.filter(revoked_at=None)
    if active.filter(grantor=by).exists():
        raise ActionRefusedError(
            _("You have given your vote at this meeting already: revoke that proxy first.")
        )
    if active.filter(holder=by).exists():
        raise ActionRefusedError(
            _("You hold another member's vote at this meeting and cannot give your own.")
        )
    if active.filter(grantor=holder).exists():
        raise ActionRefusedError(
            _("%(name)s has given their own vote at this meeting.") % {"name": short_name(holder)}
        )
    limit = meeting.body.max_proxies_per_holder
    if active.filter(holder=holder).count() >= limit:
        raise ActionRefusedError(
            _("%(name)s holds as many proxies as the body allows (%(limit)s).")
            % {"name": short_name(holder), "limit": limit}
        )
    proxy = Proxy.objects.create(meeting=meeting, grantor=by, holder=holder)
    change.finish("proxy_granted", comment=str(proxy))
    return proxy


@transaction.atomic
def proxy_revoke(*, proxy_id: int, by: User) -> Proxy:
    """The grantor takes their vote back, until the meeting is held."""
    meeting_id = Proxy.objects.values_list("meeting_id", flat=True).get(pk=proxy_id)
    proxy = Proxy.objects.select_related("grantor", "holder").get(pk=proxy_id)
    change = runner.begin(
        Meeting,
        meeting_id,
        by=by,
        rule=lambda user, _meeting: rules.can_revoke_proxy(user, proxy),
        states=PROXY_REVOKED_WHILE,
    )
    proxy = Proxy.objects.select_for_update().select_related("grantor", "holder").get(pk=proxy_id)
    if proxy.revoked_at is not None:
        raise ActionRefusedError(_("This proxy is revoked already."))
    proxy.revoked_at = timezone.now()
    proxy.save(update_fields=["revoked_at"])
    change.finish("proxy_revoked", comment=str(proxy))
    return proxy
