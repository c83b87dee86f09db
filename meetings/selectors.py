"""What the meeting pages and services read: members, quorum, votes, what awaits a body."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.models import User
from directory import rules as directory_rules
from directory import selectors as directory_selectors
from directory.models import Body, Membership
from documents import rules as document_rules
from documents.models import Proposal
from mbk.lookups import id_or_404
from meetings import rules
from meetings.models import VOTING_ROLES, AgendaItem, Meeting, Vote
from programme.models import ProgrammeVersion, SectionRevision

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


def quorum(meeting: Meeting) -> Quorum:
    count = len(voting_members(meeting))
    needed = meeting.body.quorum or count // 2 + 1
    present = meeting.attendance.filter(present=True).count()
    return Quorum(members=count, present=present, needed=needed)


def chairs_of(body: Body) -> list[User]:
    return directory_selectors.people(
        body=body, roles=[Membership.Role.CHAIR, Membership.Role.SECRETARY]
    )


def is_conflicted(person: User, item: AgendaItem) -> bool:
    return item.proposal_id is not None and document_rules.has_conflict(person, item.proposal)


def vote_counts(item: AgendaItem) -> dict[str, int]:
    counts = dict.fromkeys(Vote.Choice.values, 0)
    for choice, n in item.votes.values_list("choice").annotate(n=Count("pk")):
        counts[choice] = n
    return counts


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


def items_with_votes(meeting: Meeting) -> list[AgendaItem]:
    """The agenda with each item's vote counts (two queries)."""
    return list(
        meeting.items.select_related("proposal", "section_revision__section", "programme_version")
        .prefetch_related("votes")
        .annotate(
            votes_for=Count("votes", filter=Q(votes__choice=Vote.Choice.FOR)),
            votes_against=Count("votes", filter=Q(votes__choice=Vote.Choice.AGAINST)),
            votes_abstained=Count("votes", filter=Q(votes__choice=Vote.Choice.ABSTAINED)),
        )
        .order_by("position")
    )


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
