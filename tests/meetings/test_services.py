"""Meetings through their services: a governance meeting from the proposed agenda to the
minutes, the quorum, a conflict of interest, and a working group's meeting. (Ballots, proxies
and paper votes in detail: tests/meetings/test_ballots.py.)"""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from pypdf import PdfReader

from documents import transitions
from documents.models import Proposal, RenderJob
from documents.pdf import pipeline
from mbk.exceptions import ActionRefusedError
from meetings import selectors, services, voting
from meetings.models import AgendaItem, Meeting
from tests.workflow.states import proposal_in

State = Proposal.State


def day_at(days: int = 0, hour: int = 15) -> datetime.datetime:
    """`hour` o'clock (local time) `days` from today: a meeting is planned today or later and
    held from its day on, so a meeting a test holds is today's (its date read at the call)."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def plan(people, body_code="council", by="secretary", starts_at=None):
    from directory.models import Body

    return services.meeting_plan(
        body_id=Body.objects.get(code=body_code).pk,
        by=people[by],
        starts_at=starts_at or day_at(),
        place="API Moscow «Красный Октябрь», зал «Чёрная штора»",
    )


def council(people) -> list:
    return [people["secretary"], people["governance_chair"], people["governance_member"]]


def decide(item, by, votes: dict, *, kind="named", note: str = "") -> AgendaItem:
    """Open a ballot on the item, let each member vote themselves, close it."""
    ballot = voting.ballot_open(item_id=item.pk, by=by, kind=kind)
    for person, choice in votes.items():
        voting.ballot_vote(ballot_id=ballot.pk, by=person, choice=choice)
    return voting.ballot_close(ballot_id=ballot.pk, by=by, note=note)


def test_governance_meeting_end_to_end(people, media, django_capture_on_commit_callbacks):
    approved = proposal_in(State.GOVERNANCE_REVIEW, people, title="Биоаналоги")
    declined = proposal_in(State.GOVERNANCE_REVIEW, people, title="Кормовые добавки")
    meeting = plan(people)
    secretary = people["secretary"]

    assert selectors.awaiting(meeting) == [approved, declined]
    first = services.agenda_add(
        meeting_id=meeting.pk, by=secretary, subject=approved, motion=AgendaItem.Outcome.APPROVE
    )
    second = services.agenda_add(
        meeting_id=meeting.pk, by=secretary, subject=declined, motion=AgendaItem.Outcome.APPROVE
    )
    services.agenda_add(meeting_id=meeting.pk, by=secretary, title="Разное")
    assert selectors.awaiting(meeting) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_publish(meeting_id=meeting.pk, by=secretary)
    invitations = [m for m in mail.outbox if m.attachments]
    assert sorted(to for m in invitations for to in m.to) == sorted(
        p.email for p in council(people)
    )  # the voting members; not the observer, who may not open the meeting's page
    name, ics, mimetype = invitations[0].attachments[0]
    assert (name, mimetype) == (f"meeting-{meeting.pk}.ics", "text/calendar; method=REQUEST")
    dtstart = meeting.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{dtstart}" in ics  # text/* attachments are kept as text

    services.meeting_hold(meeting_id=meeting.pk, by=secretary, present=[secretary])
    with pytest.raises(ActionRefusedError) as no_quorum:
        voting.ballot_open(item_id=first.pk, by=secretary, kind="named")
    assert "Нет кворума: присутствуют 1 из 3 членов, нужно 2." in str(no_quorum.value)

    services.attendance_record(meeting_id=meeting.pk, by=secretary, present=council(people))
    decide(first, secretary, dict.fromkeys(council(people), "for"), note="Включить в программу.")
    decide(
        second,
        secretary,
        {
            secretary: "for",
            people["governance_chair"]: "against",
            people["governance_member"]: "against",
        },
    )
    services.task_add(
        meeting_id=meeting.pk,
        by=secretary,
        text="Подготовить материалы к следующему заседанию",
        due_on=datetime.date(2026, 12, 1),
        responsible_person=people["office"],
    )
    services.minutes_approve(meeting_id=meeting.pk, by=secretary)

    approved.refresh_from_db()
    declined.refresh_from_db()
    assert approved.state == State.APPROVED
    held_on = timezone.localdate(meeting.starts_at)
    assert approved.decision_reference == f"протокол № 1 от {held_on:%d.%m.%Y}, п. 1"
    assert declined.state == State.GOVERNANCE_REVIEW
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.MINUTES_APPROVED
    job = RenderJob.objects.get(kind=RenderJob.Kind.MINUTES, subject_id=meeting.pk)
    pipeline.render_job(job.pk, task_id="minutes")
    job.refresh_from_db()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(job.file.read())).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Протокол № 1" in text
    assert "присутствуют 3 из 3, кворум 2" in text
    rule = (
        "Решение принимается, если голосов «за» больше, чем «против» (воздержавшиеся не "
        "учитываются)."
    )
    assert f"Поименное голосование. Голоса: за 3, против 0, воздержались 0. {rule} Принято." in text
    assert f"Голоса: за 1, против 2, воздержались 0. {rule} Не принято." in text
    assert "Подготовить материалы к следующему заседанию" in text


def test_a_conflicted_member_cannot_vote_on_that_item(people):
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    transitions.proposal_declare_conflict(
        proposal_id=proposal.pk, by=people["governance_member"], reason="Консультирую заявителя"
    )
    meeting = plan(people)
    item = services.agenda_add(
        meeting_id=meeting.pk, by=people["secretary"], subject=proposal, motion="approve"
    )
    services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])
    services.meeting_hold(meeting_id=meeting.pk, by=people["secretary"], present=council(people))

    ballot = voting.ballot_open(item_id=item.pk, by=people["secretary"], kind="named")

    with pytest.raises(ActionRefusedError) as refused:
        voting.ballot_vote(ballot_id=ballot.pk, by=people["governance_member"], choice="for")

    assert "конфликт интересов" in str(refused.value)
    assert ballot.votes.count() == 0


def test_without_a_quorum_no_decision_is_recorded(people):
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    meeting = plan(people)
    item = services.agenda_add(
        meeting_id=meeting.pk, by=people["secretary"], subject=proposal, motion="approve"
    )
    services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])
    services.meeting_hold(meeting_id=meeting.pk, by=people["secretary"], present=[])

    with pytest.raises(ActionRefusedError):
        voting.ballot_open(item_id=item.pk, by=people["secretary"], kind="named")

    item.refresh_from_db()
    proposal.refresh_from_db()
    assert (item.result, proposal.state) == ("", State.GOVERNANCE_REVIEW)


def test_working_group_meeting_requests_a_revision_through_the_chair(people):
    proposal = proposal_in(State.WG_REVIEW, people)
    meeting = plan(people, body_code="wg-pharma", by="chair")
    item = services.agenda_add(
        meeting_id=meeting.pk, by=people["chair"], subject=proposal, motion="request_revision"
    )
    services.agenda_publish(meeting_id=meeting.pk, by=people["chair"])
    voters = selectors.voting_members(meeting)
    services.meeting_hold(meeting_id=meeting.pk, by=people["chair"], present=voters)
    ballot = voting.ballot_open(item_id=item.pk, by=people["chair"], kind="named")
    voting.ballot_all_in_favour(ballot_id=ballot.pk, by=people["chair"])

    voting.ballot_close(
        ballot_id=ballot.pk, by=people["chair"], note="Уточнить бюджет\nДобавить показатели"
    )

    proposal.refresh_from_db()
    assert proposal.state == State.REVISION_REQUESTED
    assert list(proposal.remarks.values_list("text", flat=True)) == [
        "Уточнить бюджет",
        "Добавить показатели",
    ]


def test_only_the_bodys_secretary_or_chair_runs_its_meeting(people):
    meeting = plan(people)

    with pytest.raises(PermissionDenied):
        services.agenda_add(meeting_id=meeting.pk, by=people["governance_member"], title="Разное")

    assert meeting.items.count() == 0


def test_a_subject_not_awaiting_this_body_is_refused(people):
    proposal = proposal_in(State.WG_REVIEW, people)
    meeting = plan(people)

    with pytest.raises(ActionRefusedError):
        services.agenda_add(
            meeting_id=meeting.pk, by=people["secretary"], subject=proposal, motion="approve"
        )

    assert meeting.items.count() == 0


# --- A meeting is held from its day on, and planned for today or later -----------------------
MSK = timezone.get_fixed_timezone(180)


@pytest.mark.parametrize(
    ("now", "may"),
    [
        (datetime.datetime(2026, 12, 3, 23, 59, tzinfo=MSK), False),
        (datetime.datetime(2026, 12, 3, 21, 0, tzinfo=datetime.UTC), True),  # 00:00 in Moscow
        (datetime.datetime(2026, 12, 4, 9, 0, tzinfo=MSK), True),  # before it starts
        (datetime.datetime(2026, 12, 11, 12, 0, tzinfo=MSK), True),
    ],
)
def test_a_meeting_may_be_held_from_the_start_of_its_day_in_moscow(now, may):
    meeting = Meeting(starts_at=datetime.datetime(2026, 12, 4, 10, 0, tzinfo=MSK))

    assert meeting.may_be_held(now) is may


def test_holding_a_meeting_dated_tomorrow_is_refused(people):
    tomorrow = day_at(days=1, hour=10)
    meeting = plan(people, starts_at=tomorrow)
    services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title="Разное")
    services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])

    with pytest.raises(ActionRefusedError) as refused:
        services.meeting_hold(meeting_id=meeting.pk, by=people["secretary"], present=[])

    assert str(refused.value) == (
        f"Заседание назначено на {tomorrow:%d.%m.%Y} 10:00: "
        "отметить его проведённым можно с этого дня."
    )
    meeting.refresh_from_db()
    assert (meeting.state, meeting.held_at, meeting.attendance.count()) == (
        Meeting.State.AGENDA_PUBLISHED,
        None,
        0,
    )


def test_holding_a_meeting_on_its_day_before_it_starts_is_allowed(people):
    meeting = plan(people, starts_at=day_at(hour=23))
    services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title="Разное")
    services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])

    services.meeting_hold(meeting_id=meeting.pk, by=people["secretary"], present=council(people))

    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD
    assert meeting.attendance.filter(present=True).count() == 3


def test_planning_a_meeting_on_a_past_day_is_refused(people):
    yesterday = day_at(days=-1)

    with pytest.raises(ActionRefusedError) as refused:
        plan(people, starts_at=yesterday)

    assert str(refused.value) == (
        f"Дата {yesterday:%d.%m.%Y} уже прошла: выберите сегодняшний или более поздний день."
    )
    assert Meeting.objects.count() == 0
