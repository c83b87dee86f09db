"""The minutes of a meeting (протокол заседания) as a printable document for the PDF pipeline."""

import hashlib
import json
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from directory.models import Membership
from documents.pdf.signatures import SigningPlan
from documents.pdf.sources import DocumentSource, printed_words
from meetings import selectors
from meetings.models import Meeting
from signing import services as signing_services


def source_key(meeting: Meeting) -> str:
    """Every change of the meeting's record bumps its edition (a ballot opened, closed or
    cancelled, a proxy given or revoked; not a vote, whose ballot the minutes print once it is
    closed); approved minutes never change."""
    facts = {"edition": meeting.edition, "state": meeting.state}
    return hashlib.sha256(json.dumps(["minutes", facts]).encode()).hexdigest()


def build(meeting: Meeting, *, language: str, generated_at: datetime) -> DocumentSource:
    with translation.override(language):
        roles = dict(Membership.objects.filter(body=meeting.body).values_list("user_id", "role"))
        role_names = dict(Membership.Role.choices)
        attendance = [
            {
                "person": row.person,
                "present": row.present,
                "role": role_names.get(roles.get(row.person_id), ""),
            }
            for row in meeting.attendance.select_related("person").order_by(
                "person__last_name", "person__first_name"
            )
        ]
        signatories = {
            m.role: m.user
            for m in Membership.objects.filter(
                body=meeting.body, role__in=[Membership.Role.CHAIR, Membership.Role.SECRETARY]
            ).select_related("user")
        }
        items = selectors.items_with_ballots(meeting)
        for item in items:
            item.decided_by = selectors.deciding_ballot(item)
        title = _("Minutes № %(number)s: %(body)s") % {
            "number": meeting.number,
            "body": meeting.body.name,
        }
        context = {
            "title": title,
            "meeting": meeting,
            "approved": meeting.state == Meeting.State.MINUTES_APPROVED,
            "quorum": selectors.quorum(meeting),
            "attendance": attendance,
            "items": items,
            "proxies": [selectors.proxy_line(p) for p in selectors.active_proxies(meeting)],
            "tasks": list(meeting.tasks.select_related("responsible_person", "responsible_body")),
            "chair": signatories.get(Membership.Role.CHAIR),
            "secretary": signatories.get(Membership.Role.SECRETARY),
            "generated_at": generated_at,
            "stamp": capfirst(meeting.reference)
            + ("" if meeting.state == Meeting.State.MINUTES_APPROVED else " · " + _("draft")),
            **printed_words(),
        }
        html = render_to_string("meetings/pdf/minutes.html", context)
    return DocumentSource(
        kind="minutes", title=title, html=html, version_sha256="", variant="pdf/a-3b"
    )


def job_source(job, meeting: Meeting) -> DocumentSource:
    """What a job of the minutes kind renders (registered in meetings/apps.py)."""
    return build(meeting, language=job.language, generated_at=job.created_at)


def signing_plan(job, meeting: Meeting, source: DocumentSource) -> SigningPlan:
    """Approved minutes are signed by the chair and the secretary, each by their own act (the
    approval, and the other's signature on the meeting's page), then sealed; a draft is sealed
    only."""
    if meeting.state != Meeting.State.MINUTES_APPROVED:
        return SigningPlan(reference=_("draft minutes, not approved"))
    return SigningPlan(
        reference=str(meeting.reference), signoffs=signing_services.signoffs_of(meeting)
    )
