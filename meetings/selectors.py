"""What the meeting pages and services read: members, proxies, quorum, who votes on an item and
how a ballot stands, what awaits a body."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from directory import rules as directory_rules
from directory import selectors as directory_selectors
from directory.models import Body, Membership
from documents import rules as document_rules
from documents.models import Proposal
from mbk.lookups import id_or_404
from meetings import rules
from meetings.models import (
    VOTING_ROLES,
    AgendaItem,
    Ballot,
    BallotParticipation,
    BallotVote,
    Meeting,
    Proxy,
    Task,
    declined,
    short_name,
)
from programme.models import ProgrammeVersion, SectionRevision
from signing import services as signing_services
from workflow import deadlines

Outcome = AgendaItem.Outcome

# What a body may decide on each kind of item: (governance body?, kind) -> motions.
MOTIONS = {
    (True, Proposal): [Outcome.APPROVE, Outcome.REJECT, Outcome.RETURN],
    (True, SectionRevision): [Outcome.APPROVE, Outcome.RETURN],
    (True, ProgrammeVersion): [Outcome.APPROVE, Outcome.RETURN],
    (False, Proposal): [Outcome.APPROVE, Outcome.REJECT, Outcome.REQUEST_REVISION],
    (False, SectionRevision): [Outcome.APPROVE, Outcome.REQUEST_REVISION],
}


@dataclass(frozen=True)
class Quorum:
    members: int
    present: int
    needed: int

    @property
    def reached(self) -> bool:
        return self.present >= self.needed


def get_visible_meeting_or_404(user, pk: int) -> Meeting:
    meeting = Meeting.objects.select_related("body").filter(pk=id_or_404(pk)).first()
    if meeting is None or not rules.can_view_meeting(user, meeting):
        raise Http404
    return meeting


def meetings_of(user) -> QuerySet[Meeting]:
    """The meetings of the bodies the person belongs to (all of them for the programme office)."""
    meetings = Meeting.objects.select_related("body").annotate(item_count=Count("items"))
    if directory_rules.is_programme_office(user):
        return meetings
    bodies = Membership.objects.filter(user=user).exclude(role=Membership.Role.OBSERVER)
    return meetings.filter(body__in=bodies.values("body"))


def tasks_of(user, meeting: Meeting) -> list[Task]:
    """The meeting's tasks, each open one the person may mark done with its `due` (workflow's
    Due: in working days, overdue said in words); two queries."""
    tasks = meeting.tasks.select_related(
        "meeting__body", "responsible_person", "responsible_body"
    ).order_by("due_on", "pk")
    return deadlines.attach_due_dates(
        tasks, lambda task: task.done_at is None and rules.can_complete_task(user, task)
    )


def members(meeting: Meeting) -> list[User]:
    """Everyone of the body who hears of its meetings: its people, not its observers (who may
    not open a meeting's page)."""
    people = Membership.objects.filter(body=meeting.body).exclude(role=Membership.Role.OBSERVER)
    return list(User.objects.filter(pk__in=people.values("user"), is_active=True))


def voting_members(meeting: Meeting) -> list[User]:
    return list(
        User.objects.filter(
            memberships__body=meeting.body, memberships__role__in=VOTING_ROLES
        ).order_by("last_name", "first_name")
    )


def present_members(meeting: Meeting) -> list[User]:
    return list(
        User.objects.filter(attendance__meeting=meeting, attendance__present=True).order_by(
            "last_name", "first_name"
        )
    )


def active_proxies(meeting: Meeting) -> list[Proxy]:
    return list(
        meeting.proxies.filter(revoked_at=None)
        .select_related("grantor", "holder")
        .order_by("grantor__last_name", "grantor__first_name")
    )


def represented(meeting: Meeting) -> list[Proxy]:
    """The proxies in use: an absent grantor whose holder is present."""
    present = set(meeting.attendance.filter(present=True).values_list("person_id", flat=True))
    return [
        p for p in active_proxies(meeting) if p.grantor_id not in present and p.holder_id in present
    ]


def proxy_line(proxy: Proxy) -> str:
    """«Петров П. П. — по доверенности Иванова И. И.», as the page and the minutes name it."""
    return _("%(holder)s — by proxy of %(grantor)s") % {
        "holder": short_name(proxy.holder),
        "grantor": declined(proxy.grantor, "genitive"),
    }


def quorum(meeting: Meeting) -> Quorum:
    """Present voting members against the quorum; absent members represented by a proxy count
    as present when the body says so (Body.proxies_count_for_quorum)."""
    count = len(voting_members(meeting))
    needed = meeting.body.quorum or count // 2 + 1
    present = meeting.attendance.filter(present=True).count()
    if meeting.body.proxies_count_for_quorum:
        present += len(represented(meeting))
    return Quorum(members=count, present=present, needed=needed)


def chairs_of(body: Body) -> list[User]:
    return directory_selectors.people(
        body=body, roles=[Membership.Role.CHAIR, Membership.Role.SECRETARY]
    )


def is_conflicted(person: User, item: AgendaItem) -> bool:
    return item.proposal_id is not None and document_rules.has_conflict(person, item.proposal)


@dataclass(frozen=True)
class Voter:
    """Someone whose vote counts on an item: in person, or through `holder` (a proxy)."""

    person: User
    holder: User | None = None

    @property
    def casts(self) -> User:
        return self.holder or self.person


def voters(item: AgendaItem) -> list[Voter]:
    """Who votes on the item: the present voting members without a conflict of interest on it,
    and the absent ones whose proxy holder is present and has no conflict either (a
    conflicted grantor's vote is cast by nobody)."""
    meeting = item.meeting
    present = present_members(meeting)
    free = [p for p in present if not is_conflicted(p, item)]
    by_proxy = [
        Voter(proxy.grantor, proxy.holder)
        for proxy in represented(meeting)
        if proxy.holder_id in {p.pk for p in free} and not is_conflicted(proxy.grantor, item)
    ]
    return [Voter(p) for p in free] + by_proxy


def voted_ids(ballot: Ballot) -> set[int]:
    """Whose votes the ballot has (for a secret ballot: who took part)."""
    rows = ballot.participations if ballot.is_secret else ballot.votes
    return set(rows.values_list("voter_id", flat=True))


@dataclass
class BallotView:
    """A ballot as its page shows it to one person."""

    ballot: Ballot
    voters: list[Voter]
    voted: set[int]
    votes: list[BallotVote] = field(default_factory=list)  # named ballots only
    mine: list[Voter] = field(default_factory=list)  # whose votes this person casts

    @property
    def waiting(self) -> list[Voter]:
        return [v for v in self.voters if v.person.pk not in self.voted]

    @property
    def shows_totals(self) -> bool:
        """A secret ballot's totals are shown once it is closed: while it is open, totals
        changing as people vote would tell whose vote was which."""
        return not (self.ballot.is_secret and self.ballot.is_open)

    def vote_of(self, person: User) -> BallotVote | None:
        return next((v for v in self.votes if v.voter_id == person.pk), None)

    def my_rows(self) -> list[dict]:
        return [
            {"voter": v, "voted": v.person.pk in self.voted, "vote": self.vote_of(v.person)}
            for v in self.mine
        ]


def ballot_view(ballot: Ballot, user) -> BallotView:
    everyone = voters(ballot.item)
    votes = [] if ballot.is_secret else list(ballot.votes.select_related("voter", "cast_by"))
    voted = (
        {v.voter_id for v in votes}
        if not ballot.is_secret
        else set(ballot.participations.values_list("voter_id", flat=True))
    )
    mine = [v for v in everyone if v.casts.pk == getattr(user, "pk", None)]
    return BallotView(ballot, everyone, voted, votes, mine)


def current_ballot(item: AgendaItem) -> Ballot | None:
    """The item's open ballot, or else the one that decided it."""
    return (
        item.ballots.exclude(state=Ballot.State.CANCELLED)
        .order_by("-state", "-opened_at")  # "open" before "closed"
        .first()
    )


def participants(ballot: Ballot) -> list[BallotParticipation]:
    return list(
        ballot.participations.select_related("voter", "cast_by").order_by(
            "voter__last_name", "voter__first_name"
        )
    )


def subject_title(subject) -> str:
    if isinstance(subject, Proposal):
        return subject.title
    if isinstance(subject, SectionRevision):
        return f"{subject.section.title} ({subject.number})"
    return str(subject)


def awaiting(meeting: Meeting) -> list:
    """What awaits this body's decision and is not on an undecided item of its agendas."""
    body = meeting.body
    taken = AgendaItem.objects.filter(meeting__body=body, result="").exclude(
        meeting__state=Meeting.State.CANCELLED
    )
    if body.kind == Body.Kind.GOVERNANCE:
        proposals = Proposal.objects.filter(state=Proposal.State.GOVERNANCE_REVIEW)
        sections = SectionRevision.objects.filter(state=SectionRevision.State.GOVERNANCE_REVIEW)
        versions = list(
            ProgrammeVersion.objects.filter(state=ProgrammeVersion.State.GOVERNANCE_REVIEW)
            .exclude(pk__in=taken.values("programme_version"))
            .select_related("programme")
        )
    elif body.kind in Body.WORKING_GROUPS:
        proposals = Proposal.objects.filter(state=Proposal.State.WG_REVIEW, group=body)
        sections = SectionRevision.objects.filter(
            state=SectionRevision.State.WG_REVIEW, section__owner=body
        )
        versions = []
    else:
        return []
    proposals = proposals.exclude(pk__in=taken.exclude(proposal=None).values("proposal"))
    sections = sections.exclude(
        pk__in=taken.exclude(section_revision=None).values("section_revision")
    ).select_related("section")
    return [*proposals.order_by("pk"), *sections.order_by("pk"), *versions]


def motions_for(meeting: Meeting, subject) -> list[str]:
    return MOTIONS.get((meeting.body.kind == Body.Kind.GOVERNANCE, type(subject)), [])


def items_with_ballots(meeting: Meeting) -> list[AgendaItem]:
    """The agenda, each item with its ballots (named votes and secret participations with
    their people) newest last (five queries)."""
    return list(
        meeting.items.select_related("proposal", "section_revision__section", "programme_version")
        .prefetch_related(
            Prefetch(
                "ballots",
                queryset=Ballot.objects.order_by("opened_at", "pk").prefetch_related(
                    Prefetch(
                        "votes", queryset=BallotVote.objects.select_related("voter", "cast_by")
                    ),
                    Prefetch(
                        "participations",
                        queryset=BallotParticipation.objects.select_related(
                            "voter", "cast_by"
                        ).order_by("voter__last_name", "voter__first_name"),
                    ),
                ),
            )
        )
        .order_by("position")
    )


def deciding_ballot(item: AgendaItem) -> Ballot | None:
    """The closed ballot that decided the item (from prefetched ballots)."""
    closed = [b for b in item.ballots.all() if b.state == Ballot.State.CLOSED]
    return closed[-1] if closed else None


def meetings_i_prepare(user) -> QuerySet[Meeting]:
    """Meetings still ahead of their minutes, of the bodies where the person is secretary or
    chair, soonest first (one query)."""
    bodies = user.memberships.filter(
        role__in=[Membership.Role.SECRETARY, Membership.Role.CHAIR]
    ).values("body")
    return (
        Meeting.objects.filter(
            body__in=bodies,
            state__in=[Meeting.State.PLANNED, Meeting.State.AGENDA_PUBLISHED, Meeting.State.HELD],
        )
        .select_related("body")
        .order_by("starts_at")
    )


def minutes_signed_as(role: str, meeting: Meeting) -> bool:
    """Whether the meeting's minutes carry a sign-off in this role ("chair" or "secretary")."""
    return any(signoff.role == role for signoff in signing_services.signoffs_of(meeting))
