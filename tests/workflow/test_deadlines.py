"""Deadlines in working days of the Russian production calendar; reminders and escalations
sent once each; the overdue dashboard; the choice of e-mailed notices."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory.models import Body, Membership
from documents import transitions
from documents.models import Proposal
from meetings import services as meeting_services
from meetings.models import Task
from tests.factories import MembershipFactory
from tests.workflow.states import make_people, proposal_in
from workflow import calendar, deadlines
from workflow.models import CalendarDay, Deadline, Notice

D = datetime.date


@pytest.fixture
def people(db):
    return make_people()


def _deadline_notices(person) -> list[str]:
    return list(
        Notice.objects.filter(recipient=person, category=Notice.Category.DEADLINES).values_list(
            "text", flat=True
        )
    )


def test_reminder_and_escalations_are_sent_once_each(people):
    proposal = proposal_in(Proposal.State.WG_REVIEW, people)
    deadlines.check()
    deadline = Deadline.objects.get(object_id=proposal.pk, state="wg_review")
    entered = timezone.localtime(deadline.entry.at).date()
    assert deadline.due_on == calendar.add_working_days(entered, 14)
    before = calendar.add_working_days(entered, 13)
    after = calendar.add_working_days(deadline.due_on, 1)
    much_later = calendar.add_working_days(deadline.due_on, 4)

    runs = [deadlines.check(today) for today in (before, before, after, after, much_later)]
    runs.append(deadlines.check(much_later))

    assert [(r["reminded"], r["to_chair"], r["to_office"]) for r in runs] == [
        (1, 0, 0),
        (0, 0, 0),
        (0, 1, 0),
        (0, 0, 0),
        (0, 0, 1),
        (0, 0, 0),
    ]
    assert len(_deadline_notices(people["wg_secretary"])) == 1  # the reminder
    assert len(_deadline_notices(people["chair"])) == 2  # reminder and escalation
    assert len(_deadline_notices(people["office"])) == 1


def test_a_deadline_closes_when_the_object_moves_on(people):
    proposal = proposal_in(Proposal.State.WG_REVIEW, people)
    deadlines.check()
    transitions.proposal_request_revision(
        proposal_id=proposal.pk, by=people["chair"], remarks=["Уточнить бюджет"]
    )

    deadlines.check()

    old = Deadline.objects.get(object_id=proposal.pk, state="wg_review")
    new = Deadline.objects.get(object_id=proposal.pk, state="revision_requested")
    assert old.closed_at is not None
    assert new.closed_at is None
    assert (new.waiting_for, new.waiting_for_label) == ("authors", "авторы")


def test_governance_review_is_due_at_the_next_meeting(people):
    from directory.models import Body

    starts = timezone.localtime() + datetime.timedelta(days=10)
    meeting_services.meeting_plan(
        body_id=Body.objects.get(code="council").pk,
        by=people["secretary"],
        starts_at=starts,
        place="Зал заседаний",
    )
    proposal = proposal_in(Proposal.State.GOVERNANCE_REVIEW, people)

    deadlines.check()

    assert Deadline.objects.get(object_id=proposal.pk, state="governance_review").due_on == (
        starts.date()
    )


def test_overdue_page_lists_what_is_late_with_constant_queries(client, people):
    for n in range(3):
        proposal_in(Proposal.State.WG_REVIEW, people, title=f"Заявка {n}")
    deadlines.check()
    Deadline.objects.update(due_on=D(2026, 11, 2))
    client.force_login(people["office"])
    url = reverse("workflow:overdue")
    client.get(url)
    with CaptureQueriesContext(connection) as three:
        page = client.get(url)
    proposal_in(Proposal.State.WG_REVIEW, people, title="Заявка 4")
    deadlines.check()
    Deadline.objects.update(due_on=D(2026, 11, 2))
    with CaptureQueriesContext(connection) as four:
        client.get(url)

    assert page.content.decode().count('data-testid="overdue-row"') == 3
    assert len(four) == len(three)
    assert client.get(url).status_code == 200
    client.force_login(people["chair"])
    assert client.get(url).status_code == 403


def test_muted_category_sends_no_email_but_keeps_the_notice(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people["chair"])
    client.post(reverse("workflow:email-notices"), {"categories": ["decisions", "meetings"]})
    people["chair"].refresh_from_db()
    assert people["chair"].email_muted == ["deadlines"]
    proposal_in(Proposal.State.WG_REVIEW, people)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        deadlines.check(calendar.add_working_days(timezone.localdate(), 13))

    assert len(_deadline_notices(people["chair"])) == 1
    assert people["chair"].email not in [to for m in mail.outbox for to in m.to]
    assert people["wg_secretary"].email in [to for m in mail.outbox for to in m.to]


def test_overdue_page_lists_tasks_not_done_by_their_deadline(client, people):
    from tests.meetings.test_services import council, plan

    meeting = plan(people)
    meeting_services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title="Разное")
    meeting_services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])
    meeting_services.meeting_hold(
        meeting_id=meeting.pk, by=people["secretary"], present=council(people)
    )
    for text in ["Просроченное поручение", "Будущее"]:
        meeting_services.task_add(
            meeting_id=meeting.pk,
            by=people["secretary"],
            text=text,
            due_on=D(2099, 1, 1),
            responsible_person=people["office"],
        )
    # A deadline in the past is refused when the task is set: time passes instead.
    Task.objects.filter(text="Просроченное поручение").update(due_on=D(2026, 11, 2))
    client.force_login(people["office"])

    page = client.get(reverse("workflow:overdue")).content.decode()

    assert page.count('data-testid="overdue-task"') == 1
    assert "Просроченное поручение" in page


def test_reminder_and_escalation_reach_the_deputy_in_place_of_a_conflicted_chair(people):
    deputy = MembershipFactory(
        body=Body.objects.get(code="wg-pharma"),
        role=Membership.Role.DEPUTY_CHAIR,
        user__username="deputy",
    ).user
    proposal = proposal_in(Proposal.State.WG_REVIEW, people)
    transitions.proposal_declare_conflict(
        proposal_id=proposal.pk, by=people["chair"], reason="Консультирую заявителя"
    )
    deadlines.check()
    deadline = Deadline.objects.get(object_id=proposal.pk, state="wg_review")
    Notice.objects.all().delete()

    deadlines.check(calendar.add_working_days(deadline.due_on, 1))

    assert len(_deadline_notices(deputy)) == 2  # reminder and escalation
    assert len(_deadline_notices(people["wg_secretary"])) == 1  # the reminder
    assert _deadline_notices(people["chair"]) == []


def test_a_model_without_registered_deadlines_fails_loudly():
    with pytest.raises(LookupError, match=r"workflow\.deadlines\.register"):
        deadlines.policy_of(CalendarDay, "working")
    with pytest.raises(LookupError, match="No deadlines are registered for CalendarDay"):
        deadlines.responsible(CalendarDay(), deadlines.Policy(5, "group"))


def test_each_app_registers_its_waiting_states():
    assert deadlines.policy_of(Proposal, Proposal.State.WG_REVIEW) == deadlines.Policy(14, "group")
    assert deadlines.policy_of(Proposal, Proposal.State.GOVERNANCE_REVIEW).working_days is None
