"""An iCalendar (RFC 5545) invitation to a meeting, written by hand: one VEVENT needs no
library. Text values are escaped and long lines folded as the RFC asks."""

import datetime
import re

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


def invitation(meeting: Meeting, agenda: list[str]) -> bytes:
    url = settings.SITE_URL.rstrip("/") + reverse("meetings:detail", args=[meeting.pk])
    description = "\n".join([*agenda, "", url])
    location = meeting.place or meeting.online_url
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//MBK Programme Office//Meetings//RU",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@mbk",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.starts_at + DURATION)}",
        f"SEQUENCE:{meeting.edition}",
        f"SUMMARY:{_escape(str(meeting))}",
        f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()
