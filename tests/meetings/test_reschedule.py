"""Moving a meeting (meetings.services.meeting_reschedule, the `reschedule` row of
meetings/actions.py): the new date and place, the audit entry naming both, the members' notices
and the invitation that updates their calendar entry (same UID, SEQUENCE one up); and what is
refused: a held or cancelled meeting, a past day, no reason, another person, a stale page."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from mbk.exceptions import ActionRefusedError
from meetings import services
from meetings.models import Meeting
from tests.meetings.test_ics import properties
from tests.meetings.test_services import council, day_at, plan
from workflow import audit
from workflow.models import Notice

NEW_PLACE = "Технопарк «Мосгормаш», зал 2"


def moment(at: datetime.datetime) -> str:
    return timezone.localtime(at).strftime("%d.%m.%Y %H:%M")


def published(people, **plan_kwargs) -> Meeting:
    meeting = plan(people, **plan_kwargs)
    services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title="Разное")
    return services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])


def reschedule(people, meeting, by="secretary", **changes) -> Meeting:
    values = {"starts_at": day_at(days=14), "place": NEW_PLACE, "reason": "Зал на ремонте"}
    return services.meeting_reschedule(
        meeting_id=meeting.pk, by=people[by], **{**values, **changes}
    )


def ics_fields(message) -> dict:
    return properties(message.attachments[0][1].encode())


def test_reschedule_of_a_published_meeting_moves_it_and_updates_the_invitations(
    people, django_capture_on_commit_callbacks
):
    old_start, new_start = day_at(days=7, hour=10), day_at(days=14, hour=15)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = published(people, starts_at=old_start)
    first = {m.to[0]: ics_fields(m) for m in mail.outbox if m.attachments}
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reschedule(people, meeting, starts_at=new_start, seen_edition=meeting.edition)

    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.place, meeting.number) == (new_start, NEW_PLACE, 1)
    assert (meeting.state, meeting.sequence) == (Meeting.State.AGENDA_PUBLISHED, 1)
    entry = list(audit.history(meeting))[-1]
    assert (entry.action, entry.actor) == ("rescheduled", people["secretary"])
    assert entry.comment == (
        f"перенесено с {moment(old_start)} (API Moscow «Красный Октябрь», зал «Чёрная штора») "
        f"на {moment(new_start)} ({NEW_PLACE}): Зал на ремонте"
    )
    notices = Notice.objects.filter(text__contains="перенесено на")
    # The secretary moved it: the others are told, she is not (her calendar is still updated).
    assert sorted(n.recipient.username for n in notices) == sorted(
        p.username for p in council(people) if p != people["secretary"]
    )
    assert notices.first().text == (
        f"Заседание № 1: Координационный совет МБК, {old_start:%d.%m.%Y} перенесено на "
        f"{moment(new_start)}: Зал на ремонте"
    )
    invitations = [m for m in mail.outbox if m.attachments]
    assert sorted(to for m in invitations for to in m.to) == sorted(first)
    for message in invitations:
        fields, before = ics_fields(message), first[message.to[0]]
        assert message.subject == (
            f"Перенос заседания: Заседание № 1: Координационный совет МБК, {new_start:%d.%m.%Y}"
        )
        assert message.attachments[0][2] == "text/calendar; method=REQUEST"
        assert (before["UID"], before["SEQUENCE"]) == (f"meeting-{meeting.pk}@mbk", "0")
        assert (fields["UID"], fields["SEQUENCE"]) == (before["UID"], "1")
        assert fields["METHOD"] == "REQUEST"
        assert fields["DTSTART"] == new_start.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        assert fields["LOCATION"] == "Технопарк «Мосгормаш»\\, зал 2"
        assert fields["ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE"] == (
            f"mailto:{message.to[0]}"
        )


def test_reschedule_of_a_planned_meeting_tells_nobody(people, django_capture_on_commit_callbacks):
    meeting = plan(people, starts_at=day_at(days=7))

    with django_capture_on_commit_callbacks(execute=True):
        reschedule(people, meeting, place="", online_url="https://meet.example/mbk")

    meeting.refresh_from_db()
    assert (meeting.place, meeting.online_url) == ("", "https://meet.example/mbk")
    assert (meeting.state, meeting.sequence) == (Meeting.State.PLANNED, 1)
    assert not Notice.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("state", ["held", "cancelled"])
def test_reschedule_of_a_held_or_cancelled_meeting_is_refused(people, state):
    meeting = published(people)
    if state == "held":
        services.meeting_hold(meeting_id=meeting.pk, by=people["secretary"], present=[])
    else:
        services.meeting_cancel(meeting_id=meeting.pk, by=people["secretary"], reason="Нет")
    meeting.refresh_from_db()

    with pytest.raises(TransitionNotAllowed):
        reschedule(people, meeting)

    assert Meeting.objects.get(pk=meeting.pk).starts_at == meeting.starts_at


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"starts_at": day_at(days=-1)},
            "уже прошла: выберите сегодняшний или более поздний день.",
        ),
        ({"reason": "  "}, "Укажите причину переноса заседания."),
        ({"place": "", "online_url": ""}, "Укажите место проведения заседания или ссылку"),
    ],
)
def test_reschedule_without_what_it_needs_is_refused(people, changes, message):
    meeting = plan(people, starts_at=day_at(days=7))

    with pytest.raises(ActionRefusedError) as refused:
        reschedule(people, meeting, **changes)

    assert message in str(refused.value)
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.sequence, meeting.edition) == (day_at(days=7), 0, 1)


def test_reschedule_to_the_same_date_and_place_is_refused(people):
    meeting = plan(people, starts_at=day_at(days=7))

    with pytest.raises(ActionRefusedError) as refused:
        reschedule(people, meeting, starts_at=meeting.starts_at, place=meeting.place)

    assert "совпадают с прежними" in str(refused.value)


def test_reschedule_by_a_member_who_does_not_run_the_meeting_is_refused(people):
    meeting = plan(people, starts_at=day_at(days=7))

    with pytest.raises(PermissionDenied):
        reschedule(people, meeting, by="governance_member")

    assert Meeting.objects.get(pk=meeting.pk).sequence == 0


# --- The meeting's page ----------------------------------------------------------------------
def reschedule_form(meeting, **changes) -> dict:
    return {
        "starts_at": f"{day_at(days=14):%Y-%m-%dT%H:%M}",
        "place": NEW_PLACE,
        "online_url": "",
        "reason": "Зал на ремонте",
        "edition": meeting.edition,
        **changes,
    }


def post(client, person, meeting, data):
    client.force_login(person)
    return client.post(reverse("meetings:act", args=[meeting.pk, "reschedule"]), data)


def test_reschedule_from_the_page(client, people):
    meeting = published(people, starts_at=day_at(days=7))
    page = post(client, people["secretary"], meeting, {}).content.decode()  # the form's errors
    assert 'data-testid="reschedule-form"' in page

    response = post(client, people["secretary"], meeting, reschedule_form(meeting))

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.place) == (day_at(days=14), NEW_PLACE)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"reason": ""}, "Обязательное поле."),
        (
            {"starts_at": f"{day_at(days=-1):%Y-%m-%dT%H:%M}"},
            "Этот день уже прошёл: выберите сегодняшний или более поздний день.",
        ),
        ({"starts_at": "завтра"}, "Введите правильную дату и время."),
        ({"place": "", "online_url": ""}, "Укажите место проведения заседания или ссылку"),
    ],
)
def test_reschedule_form_errors_are_shown_in_russian(client, people, changes, error):
    meeting = plan(people, starts_at=day_at(days=7))

    response = post(client, people["secretary"], meeting, reschedule_form(meeting, **changes))

    assert response.status_code == 400
    assert error in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).sequence == 0


def test_reschedule_from_a_stale_page_is_refused(client, people):
    meeting = plan(people, starts_at=day_at(days=7))
    form = reschedule_form(meeting)
    services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title="Разное")

    response = post(client, people["secretary"], meeting, form)

    assert response.status_code == 409
    assert "изменил" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).sequence == 0


def test_reschedule_from_the_page_by_a_member_is_forbidden(client, people):
    meeting = plan(people, starts_at=day_at(days=7))

    response = post(client, people["governance_member"], meeting, reschedule_form(meeting))

    assert response.status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).sequence == 0


def test_a_change_of_the_room_alone_sends_the_updated_invitation(
    people, django_capture_on_commit_callbacks
):
    start = day_at(days=7, hour=10)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = published(people, starts_at=start)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reschedule(people, meeting, starts_at=start, reason="Зал занят")

    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.place, meeting.sequence) == (start, NEW_PLACE, 1)
    invitations = [m for m in mail.outbox if m.attachments]
    assert sorted(to for m in invitations for to in m.to) == sorted(
        p.email for p in council(people)
    )
    for message in invitations:
        fields = ics_fields(message)
        assert (fields["UID"], fields["SEQUENCE"]) == (f"meeting-{meeting.pk}@mbk", "1")
        assert fields["LOCATION"] == "Технопарк «Мосгормаш»\\, зал 2"
