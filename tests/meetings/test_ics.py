"""The .ics invitation (meetings/ics.py) and the single-line place it shows: a place with a line
break is refused by the form and the service; a row with control characters written past them
(in SQL) still gives a valid iCalendar file (RFC 5545)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from directory.models import Body
from meetings import ics, services
from meetings.models import Meeting
from tests.mbk.test_text import REFUSAL
from tests.meetings.test_services import day_at, plan


def test_meeting_planned_with_a_line_break_in_the_place_is_refused(client, people):
    client.force_login(people["secretary"])

    response = client.post(
        reverse("meetings:plan"),
        {
            "body": people["secretary"].memberships.get().body_id,
            "starts_at": f"{day_at(days=3):%Y-%m-%dT%H:%M}",
            "place": "Место\r\nX",
        },
    )

    assert response.status_code == 400
    assert REFUSAL in response.content.decode()
    assert Meeting.objects.count() == 0


def test_meeting_planned_by_the_service_with_a_line_break_in_the_place_is_refused(people):
    with pytest.raises(ValidationError) as refused:
        services.meeting_plan(
            body_id=Body.objects.get(code="council").pk,
            by=people["secretary"],
            starts_at=day_at(),
            place="Место\r\nX",
        )

    assert refused.value.message_dict == {"place": [REFUSAL]}
    assert Meeting.objects.count() == 0


def unfolded(body: bytes) -> list[str]:
    return body.decode().replace("\r\n ", "").split("\r\n")


def properties(body: bytes) -> dict[str, str]:
    """The file's properties by name (with their parameters), unfolded."""
    return dict(line.split(":", 1) for line in unfolded(body) if line)


def test_invitation_of_a_row_with_control_characters_written_in_sql_is_valid_icalendar(
    people,
):
    meeting = plan(people)
    nul = "" if connection.vendor == "postgresql" else "\x00"  # PostgreSQL refuses NUL in text
    Meeting.objects.filter(pk=meeting.pk).update(
        place=f"Зал\r\n«Чёрная;штора»,\rэтаж\x0b2\\3{nul}\x1b[31m\x7f\x85\u2028конец " + "ж" * 60
    )
    agenda = ["Пункт\r\nпервый\x07", "Пункт\tвторой"]

    body = ics.invitation(Meeting.objects.get(pk=meeting.pk), agenda)

    lines = body.split(b"\r\n")
    assert lines[-1] == b""  # the file ends with CRLF
    assert max(len(line) for line in lines) <= 75
    assert not re.search(rb"[\x00-\x1f\x7f]", b"".join(lines))  # no bare CR or LF
    assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029]", "".join(unfolded(body)))
    fields = properties(body)
    assert fields["LOCATION"] == (
        "Зал\\n«Чёрная\\;штора»\\,\\nэтаж2\\\\3[31m\\n\\nконец " + "ж" * 60
    )
    assert fields["DESCRIPTION"].startswith("Пункт\\nпервый\\nПункт второй\\n\\nhttp")


@override_settings(DEFAULT_FROM_EMAIL="МБК <office@mbk.example>")
def test_invitation_to_an_attendee_is_a_request_naming_organiser_and_attendee(people):
    meeting = plan(people)

    sent = properties(ics.invitation(meeting, [], attendee="a@b.ru"))
    downloaded = properties(ics.invitation(meeting, []))

    assert (sent["METHOD"], sent["SEQUENCE"], sent["UID"]) == (
        "REQUEST",
        "0",
        f"meeting-{meeting.pk}@mbk",
    )
    assert sent["ORGANIZER"] == "mailto:office@mbk.example"
    assert sent["ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE"] == "mailto:a@b.ru"
    assert (downloaded["METHOD"], downloaded["UID"]) == ("PUBLISH", sent["UID"])
    assert [name for name in downloaded if name.startswith(("ORGANIZER", "ATTENDEE"))] == []


def test_invitation_after_a_move_keeps_the_uid_and_raises_the_sequence(people):
    meeting = plan(people, starts_at=day_at(days=7))
    before = properties(ics.invitation(meeting, []))

    services.meeting_reschedule(
        meeting_id=meeting.pk,
        by=people["secretary"],
        starts_at=day_at(days=8),
        place=meeting.place,
        reason="Праздник",
    )

    meeting.refresh_from_db()
    after = properties(ics.invitation(meeting, []))
    assert (before["UID"], before["SEQUENCE"]) == (after["UID"], "0")
    assert after["SEQUENCE"] == "1"
    assert after["DTSTART"] != before["DTSTART"]
