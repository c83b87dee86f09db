"""Meetings (заседания) of the working groups and the governance body: the agenda, who was
there, the votes and decisions of each item, the tasks they set, and the minutes."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from directory.models import Body, Membership
from documents.models import Proposal
from mbk.text import validate_single_line
from programme.models import ProgrammeVersion, SectionRevision

# Who votes at a body's meetings: its members with a say, not its staff or observers.
VOTING_ROLES = (
    Membership.Role.CHAIR,
    Membership.Role.SECRETARY,
    Membership.Role.MEMBER,
    Membership.Role.EXPERT,
)


def day_is_past(starts_at: datetime.datetime, now: datetime.datetime) -> bool:
    """Whether a meeting starting at `starts_at` would be on a day already over at `now`, both
    in local time (settings.TIME_ZONE): a meeting is planned or moved to today or later."""
    return timezone.localdate(starts_at) < timezone.localdate(now)


class Meeting(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        AGENDA_PUBLISHED = "agenda_published", _("agenda published")
        HELD = "held", _("held")
        MINUTES_APPROVED = "minutes_approved", _("minutes approved")
        CANCELLED = "cancelled", _("cancelled")

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(
        _("place"), max_length=300, blank=True, validators=[validate_single_line]
    )
    online_url = models.URLField(_("online link"), blank=True)
    state = FSMField(
        _("state"), max_length=30, choices=State.choices, default=State.PLANNED, protected=True
    )
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    edition = models.PositiveIntegerField(default=1)
    # The calendar's SEQUENCE (RFC 5545): how many times the date or place changed, so that
    # an invitation sent after a change updates the entry of the earlier one.
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ("-starts_at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="meeting_number_once"),
            models.CheckConstraint(
                name="meeting_has_a_place_or_a_link",
                condition=~Q(place="", online_url=""),
                violation_error_message=_("Give the place of the meeting or its online link."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def title(self) -> str:
        return _("Meeting № %(number)s: %(body)s, %(date)s") % {
            "number": self.number,
            "body": self.body.name,
            "date": timezone.localtime(self.starts_at).strftime("%d.%m.%Y"),
        }

    @property
    def reference(self) -> str:
        """How decisions of this meeting are cited: «протокол № 2 от 18.11.2014»."""
        return _("minutes № %(number)s of %(date)s") % {
            "number": self.number,
            "date": timezone.localtime(self.starts_at).strftime("%d.%m.%Y"),
        }

    @property
    def day(self) -> datetime.date:
        """The meeting's day in local time."""
        return timezone.localdate(self.starts_at)

    def may_be_held(self, now: datetime.datetime) -> bool:
        """Whether the meeting may be recorded as held at `now`: from the start of its day
        (local time), not from its start time, since secretaries enter the attendance as
        people arrive, before the meeting opens."""
        return timezone.localdate(now) >= self.day

    @transition(field=state, source=State.PLANNED, target=State.AGENDA_PUBLISHED)
    def publish_agenda(self) -> None:
        pass

    @transition(field=state, source=State.AGENDA_PUBLISHED, target=State.HELD)
    def hold(self) -> None:
        self.held_at = timezone.now()

    @transition(field=state, source=State.HELD, target=State.MINUTES_APPROVED)
    def approve_minutes(self) -> None:
        self.minutes_approved_at = timezone.now()

    @transition(field=state, source=[State.PLANNED, State.AGENDA_PUBLISHED], target=State.CANCELLED)
    def cancel(self) -> None:
        pass

    @transition(field=state, source=[State.PLANNED, State.AGENDA_PUBLISHED], target=None)
    def reschedule(self, *, starts_at: datetime.datetime, place: str, online_url: str) -> None:
        """A new date (and place or link); the state stays, the calendar entry's SEQUENCE
        goes up."""
        self.starts_at = starts_at
        self.place = place
        self.online_url = online_url
        self.sequence += 1


class AgendaItem(models.Model):
    """An item of the agenda: a proposal, a programme section or version awaiting this body's
    decision, or a free item. A decision item carries a motion (the outcome put to the vote)."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("approve")
        REJECT = "reject", _("reject")
        RETURN = "return", _("return for another look")
        REQUEST_REVISION = "request_revision", _("request a revision")

    class Result(models.TextChoices):
        PENDING = "", _("not decided yet")
        ADOPTED = "adopted", _("adopted")
        NOT_ADOPTED = "not_adopted", _("not adopted")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("item"))
    title = models.CharField(_("title"), max_length=500, validators=[validate_single_line])
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    section_revision = models.ForeignKey(
        SectionRevision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    programme_version = models.ForeignKey(
        ProgrammeVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    motion = models.CharField(_("motion"), max_length=20, choices=Outcome.choices, blank=True)
    result = models.CharField(
        _("result"), max_length=20, choices=Result.choices, blank=True, default=""
    )
    decision_note = models.TextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("meeting", "position")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def subject(self):
        return self.proposal or self.section_revision or self.programme_version

    @property
    def is_decision(self) -> bool:
        return self.subject is not None

    @property
    def reference(self) -> str:
        return _("%(minutes)s, item %(item)s") % {
            "minutes": self.meeting.reference,
            "item": self.position,
        }


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({'+' if self.present else '-'})"


class Vote(models.Model):
    class Choice(models.TextChoices):
        FOR = "for", _("for")
        AGAINST = "against", _("against")
        ABSTAINED = "abstained", _("abstained")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "person"], name="vote_once")]

    def __str__(self) -> str:
        return f"{self.person}: {self.choice}"


class Task(models.Model):
    """A task set by a meeting (поручение), tracked until done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="tasks")
    text = models.TextField(_("task"))
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_tasks",
    )
    responsible_body = models.ForeignKey(
        Body,
        verbose_name=_("responsible group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_tasks",
    )
    due_on = models.DateField(_("deadline"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ("due_on", "pk")
        constraints = [
            models.CheckConstraint(
                name="task_has_someone_responsible",
                condition=Q(responsible_person__isnull=False) | Q(responsible_body__isnull=False),
                violation_error_message=_("Name the responsible person or group."),
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]
