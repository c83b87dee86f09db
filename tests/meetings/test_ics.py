"""The .ics invitation (meetings/ics.py) and the single-line place it shows: a place with a line
break is refused by the form and the service; a row with control characters written past them
(in SQL) still gives a valid iCalendar file (RFC 5545)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from directory.models import Body
from meetings import ics, services
from meetings.models import Meeting
from tests.mbk.test_text import REFUSAL
from tests.meetings.test_services import STARTS_AT, plan


def test_meeting_planned_with_a_line_break_in_the_place_is_refused(client, people):
    client.force_login(people["secretary"])

    response = client.post(
        reverse("meetings:plan"),
        {
            "body": people["secretary"].memberships.get().body_id,
            "starts_at": "2026-12-01T15:00",
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
            starts_at=STARTS_AT,
            place="Место\r\nX",
        )

    assert refused.value.message_dict == {"place": [REFUSAL]}
    assert Meeting.objects.count() == 0


def unfolded(body: bytes) -> list[str]:
    return body.decode().replace("\r\n ", "").split("\r\n")


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
    fields = dict(line.split(":", 1) for line in unfolded(body) if line)
    assert fields["LOCATION"] == (
        "Зал\\n«Чёрная\\;штора»\\,\\nэтаж2\\\\3[31m\\n\\nконец " + "ж" * 60
    )
    assert fields["DESCRIPTION"].startswith("Пункт\\nпервый\\nПункт второй\\n\\nhttp")
