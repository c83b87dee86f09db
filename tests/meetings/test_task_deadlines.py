"""Tasks of meetings (поручения) in the deadline engine (workflow/deadlines.py,
send_dated_reminders): a reminder before the due date to whoever answers for the task, the
overdue notice after it, the escalation to the programme office and the secretary of the
meeting's body some working days later, each once; and a deadline in the past is refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Body
from mbk.exceptions import ActionRefusedError
from meetings import services
from meetings.models import Meeting, Task
from tests.meetings.test_services import council, plan
from workflow import calendar, deadlines
from workflow.models import Notice


def _held(people) -> Meeting:
    meeting = plan(people)
    services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title="Разное")
    services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])
    return services.meeting_hold(
        meeting_id=meeting.pk, by=people["secretary"], present=council(people)
    )


def _task(people, meeting, due_on, **responsible) -> Task:
    responsible = responsible or {"responsible_person": people["expert"]}
    return services.task_add(
        meeting_id=meeting.pk,
        by=people["secretary"],
        text="Подготовить обзор рынка биоаналогов",
        due_on=due_on,
        **responsible,
    )


def _notices(person) -> list[str]:
    return list(
        Notice.objects.filter(recipient=person, category=Notice.Category.DEADLINES)
        .order_by("pk")
        .values_list("text", flat=True)
    )


def _counts(run: dict) -> tuple[int, int, int]:
    return run["tasks_reminded"], run["tasks_overdue"], run["tasks_escalated"]


def test_task_reminder_overdue_notice_and_escalation_are_sent_once_each(people):
    meeting = _held(people)
    due = calendar.add_working_days(timezone.localdate(), 10)
    _task(people, meeting, due)
    before = calendar.add_working_days(due, -1)
    after = calendar.add_working_days(due, 1)
    much_later = calendar.add_working_days(due, deadlines.ESCALATE_TO_OFFICE_AFTER + 1)
    Notice.objects.all().delete()

    runs = [deadlines.check(day) for day in (before, before, after, after, much_later, much_later)]

    assert [_counts(run) for run in runs] == [
        (1, 0, 0),
        (0, 0, 0),
        (0, 1, 0),
        (0, 0, 0),
        (0, 0, 1),
        (0, 0, 0),
    ]
    texts = _notices(people["expert"])
    assert len(texts) == 2
    assert texts[0].startswith("Напоминание: поручение «Подготовить обзор рынка биоаналогов»")
    assert texts[1].startswith("Просрочено: поручение «Подготовить обзор рынка биоаналогов»")
    assert len(_notices(people["office"])) == 1
    assert len(_notices(people["secretary"])) == 1  # the council's secretary set it
    assert _notices(people["chair"]) == []


def test_task_far_from_its_deadline_gets_no_reminder(people):
    meeting = _held(people)
    _task(people, meeting, calendar.add_working_days(timezone.localdate(), 10))
    Notice.objects.all().delete()

    run = deadlines.check(timezone.localdate())

    assert _counts(run) == (0, 0, 0)
    assert _notices(people["expert"]) == []


def test_task_of_a_group_reminds_its_chair_and_secretary(people):
    meeting = _held(people)
    due = calendar.add_working_days(timezone.localdate(), 1)
    _task(people, meeting, due, responsible_body=Body.objects.get(code="wg-pharma"))
    Notice.objects.all().delete()

    deadlines.check(timezone.localdate())

    assert len(_notices(people["chair"])) == 1
    assert len(_notices(people["wg_secretary"])) == 1
    assert _notices(people["expert"]) == []


def test_task_done_gets_no_notice(people):
    meeting = _held(people)
    task = _task(people, meeting, calendar.add_working_days(timezone.localdate(), 1))
    services.task_done(task_id=task.pk, by=people["expert"])
    Notice.objects.all().delete()

    run = deadlines.check(calendar.add_working_days(task.due_on, 10))

    assert _counts(run) == (0, 0, 0)
    assert Notice.objects.count() == 0


def test_task_with_a_deadline_in_the_past_is_refused_by_the_service(people):
    meeting = _held(people)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    with pytest.raises(ActionRefusedError, match="Срок не может быть в прошлом"):
        _task(people, meeting, yesterday)

    assert Task.objects.count() == 0


def test_task_with_a_deadline_in_the_past_is_a_field_error_on_the_page(client, people):
    meeting = _held(people)
    client.force_login(people["secretary"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = client.post(
        reverse("meetings:act", args=[meeting.pk, "add-task"]),
        {
            "text": "Подготовить обзор",
            "due_on": yesterday.isoformat(),
            "responsible_person": people["governance_member"].pk,
        },
    )

    assert response.status_code == 400
    assert "Срок не может быть в прошлом." in response.content.decode()
    assert Task.objects.count() == 0


def test_task_due_today_is_accepted(people):
    meeting = _held(people)

    task = _task(people, meeting, timezone.localdate())

    assert task.due_on == timezone.localdate()
