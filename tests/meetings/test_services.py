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
STARTS_AT = datetime.datetime(2026, 11, 18, 15, 0, tzinfo=timezone.get_fixed_timezone(180))


def plan(people, body_code="council", by="secretary"):
    from directory.models import Body

    return services.meeting_plan(
        body_id=Body.objects.get(code=body_code).pk,
        by=people[by],
        starts_at=STARTS_AT,
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
    assert (name, mimetype) == (f"meeting-{meeting.pk}.ics", "text/calendar")
    assert "DTSTART:20261118T120000Z" in ics  # text/* attachments are kept as text

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
    assert approved.decision_reference == "протокол № 1 от 18.11.2026, п. 1"
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
    assert "Поименное голосование. Голоса: за 3, против 0, воздержались 0. Принято." in text
    assert "Голоса: за 1, против 2, воздержались 0. Не принято." in text
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
