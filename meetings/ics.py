"""An iCalendar (RFC 5545) invitation to a meeting, written by hand: one VEVENT needs no
library. Text values are escaped and long lines folded as the RFC asks.

The entry's UID is the meeting's and its SEQUENCE the meeting's `sequence`, raised each time
the meeting is moved: an invitation sent after a move updates the entry people have instead of
adding another."""

import datetime
import re
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting

DURATION = datetime.timedelta(hours=2)


# Every way of breaking a line becomes one escaped newline; a tab becomes a space; every other
# control character (C0, DEL, C1) is dropped: a value written past the forms (in SQL, by an
# import) cannot start a property of its own or break a reader.
_LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escape(text: str) -> str:
    """A TEXT value (RFC 5545, 3.3.11): backslash, semicolon, comma and newline escaped."""
    text = _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text).replace("\t", " "))
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (RFC 5545, 3.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def invitation(meeting: Meeting, agenda: list[str], attendee: str = "") -> bytes:
    """The meeting's calendar entry. With an attendee's e-mail address, the invitation sent to
    them (METHOD:REQUEST, naming the organiser and the attendee as RFC 5546 asks); without, a
    file to import (METHOD:PUBLISH)."""
    url = settings.SITE_URL.rstrip("/") + reverse("meetings:detail", args=[meeting.pk])
    description = "\n".join([*agenda, "", url])
    location = meeting.place or meeting.online_url
    if attendee:
        method = "REQUEST"
        people = [
            f"ORGANIZER:mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}",
            f"ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{attendee}",
        ]
    else:
        method, people = "PUBLISH", []
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//MBK Programme Office//Meetings//RU",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@mbk",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.starts_at + DURATION)}",
        f"SEQUENCE:{meeting.sequence}",
        *people,
        f"SUMMARY:{_escape(str(meeting))}",
        f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()
