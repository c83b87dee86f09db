"""Who may see a body's meetings, plan and run them, read their minutes and close their
tasks."""

from directory.models import Body, Membership
from directory.rules import is_programme_office, is_signed_in, role_in, roles_of
from directory.rules import require as require
from meetings.models import VOTING_ROLES, Ballot, Meeting, Proxy

Role = Membership.Role


def can_view_meeting(user, meeting: Meeting) -> bool:
    """The body's people (not its observers) and the programme office."""
    role = role_in(user, meeting.body_id)
    return (role is not None and role != Role.OBSERVER) or is_programme_office(user)


def can_plan_meetings(user, body: Body) -> bool:
    """The body's secretary, chair or deputy chair plans its meetings (the deputy runs those
    where the chair has a conflict of interest on what is decided)."""
    return role_in(user, body.pk) in (Role.SECRETARY, Role.CHAIR, Role.DEPUTY_CHAIR)


def can_run_meeting(user, meeting: Meeting) -> bool:
    """Build the agenda, record attendance, votes, decisions and tasks, approve the minutes:
    the body's secretary, chair or deputy chair."""
    return can_plan_meetings(user, meeting.body)


def is_voting_member(user, meeting: Meeting) -> bool:
    return role_in(user, meeting.body_id) in VOTING_ROLES


def can_vote(user, ballot: Ballot) -> bool:
    """A voting member of the body casts their own vote (or, holding a proxy, an absent
    member's); whether they are present and free of conflicts the service checks (409)."""
    return is_voting_member(user, ballot.item.meeting)


def can_grant_proxy(user, meeting: Meeting) -> bool:
    """A voting member gives their vote at this meeting to another voting member."""
    return is_voting_member(user, meeting)


def can_revoke_proxy(user, proxy: Proxy) -> bool:
    return is_signed_in(user) and proxy.grantor_id == user.pk


def can_complete_task(user, task) -> bool:
    """The responsible person, the responsible group's chair or secretary, or whoever runs the
    meeting that set the task."""
    return (
        (is_signed_in(user) and task.responsible_person_id == user.pk)
        or (
            task.responsible_body_id is not None
            and role_in(user, task.responsible_body_id) in (Role.CHAIR, Role.SECRETARY)
        )
        or can_run_meeting(user, task.meeting)
    )


def can_open_meetings(user) -> bool:
    return is_programme_office(user) or any(role != Role.OBSERVER for _, role in roles_of(user))


def can_read_minutes(user, meeting: Meeting | None) -> bool:
    return (
        meeting is not None
        and meeting.state in (Meeting.State.HELD, Meeting.State.MINUTES_APPROVED)
        and can_view_meeting(user, meeting)
    )


def minutes_signatory_role(user, meeting: Meeting) -> str:
    """Who signs the body's minutes: its chair (or the deputy chair standing in) and its
    secretary; "" for anyone else."""
    role = role_in(user, meeting.body_id)
    if role in (Role.CHAIR, Role.DEPUTY_CHAIR):
        return "chair"
    return "secretary" if role == Role.SECRETARY else ""


def can_sign_minutes(user, meeting: Meeting) -> bool:
    """Approved minutes are signed by the chair and the secretary, each in person."""
    return meeting.state == Meeting.State.MINUTES_APPROVED and bool(
        minutes_signatory_role(user, meeting)
    )
