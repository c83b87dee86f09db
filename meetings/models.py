"""Meetings (заседания) of the working groups and the governance body: the agenda, who was
there, the proxies, the ballots and decisions of each item, the tasks they set, and the
minutes."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
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


def short_name(person) -> str:
    """«Иванов И. И.»: the surname and initials, as minutes name people."""
    initials = " ".join(f"{name[0]}." for name in (person.first_name, person.middle_name) if name)
    return f"{person.last_name} {initials}".strip() if person.last_name else person.get_full_name()


# Russian surnames change their ending after «за» (accusative) and «по доверенности»
# (genitive): masculine -ов/-ев/-ин take -а, feminine -ова/-ина take -у/-ой, -ский/-ская
# take -ого/-ую/-ой; other surnames do not change.
_ENDINGS = (
    (("ова", "ева", "ёва", "ина", "ына"), 1, {"accusative": "у", "genitive": "ой"}),
    (("ов", "ев", "ёв", "ин", "ын"), 0, {"accusative": "а", "genitive": "а"}),
    (("ий", "ый"), 2, {"accusative": "ого", "genitive": "ого"}),
    (("ая",), 2, {"accusative": "ую", "genitive": "ой"}),
)


def declined(person, case: str) -> str:
    """short_name() in the Russian `case` ("accusative" or "genitive") when the language is
    Russian: «голосовать за Иванова И. И.», «по доверенности Ивановой А. А.»."""
    name = short_name(person)
    surname = person.last_name
    if not surname or not (get_language() or "").startswith("ru"):
        return name
    for endings, cut, forms in _ENDINGS:
        if surname.lower().endswith(endings):
            stem = surname[: len(surname) - cut] if cut else surname
            return f"{stem}{forms[case]}{name[len(surname) :]}"
    return name


def how_cast(vote) -> str:
    """«по доверенности — Петров П. П.», «внесено секретарём по бюллетеню», or ""
    (a vote cast in person, or in a show of hands, which the ballot states as a whole)."""
    if vote.method == "proxy" and vote.cast_by_id:
        return _("cast by %(holder)s by proxy") % {"holder": short_name(vote.cast_by)}
    if vote.method == "paper":
        return str(_("entered by the secretary from a paper ballot"))
    return ""


class Proxy(models.Model):
    """A voting member's vote at one meeting, given to another voting member of the body
    (доверенность). The holder votes for the grantor on the items where the grantor is absent;
    revoked until the meeting is held, it stays after that."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="proxies")
    grantor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("grantor"),
        on_delete=models.PROTECT,
        related_name="proxies_given",
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proxy holder"),
        on_delete=models.PROTECT,
        related_name="proxies_held",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("meeting", "created_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "grantor"],
                condition=Q(revoked_at__isnull=True),
                name="proxy_one_active_per_grantor",
            ),
            models.CheckConstraint(
                name="proxy_to_someone_else", condition=~Q(grantor=models.F("holder"))
            ),
        ]

    def __str__(self) -> str:
        return f"{short_name(self.holder)} ← {short_name(self.grantor)}"


class Ballot(models.Model):
    """A vote on a decision item's motion. Members cast their votes themselves while it is
    open; closing it records the item's decision. A secret ballot keeps only its totals and
    who took part (BallotParticipation), never whose vote was which."""

    class Kind(models.TextChoices):
        NAMED = "named", _("named vote")
        SECRET = "secret", _("secret ballot")
        SHOW_OF_HANDS = "show_of_hands", _("unanimously, by show of hands")

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("vote", "open")
        CLOSED = "closed", pgettext_lazy("vote", "closed")
        CANCELLED = "cancelled", pgettext_lazy("vote", "cancelled")

    class Choice(models.TextChoices):
        FOR = "for", _("for")
        AGAINST = "against", _("against")
        ABSTAINED = "abstained", _("abstained")

    # The counter of each choice.
    COUNTERS = {
        Choice.FOR: "votes_for",
        Choice.AGAINST: "votes_against",
        Choice.ABSTAINED: "votes_abstained",
    }

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="ballots")
    kind = models.CharField(_("kind of vote"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    votes_for = models.PositiveIntegerField(default=0)
    votes_against = models.PositiveIntegerField(default=0)
    votes_abstained = models.PositiveIntegerField(default=0)
    # The body's rule and who was entitled to vote, as they were when the ballot opened: a later
    # change of the body's rule or attendance does not change a decision taken.
    rule = models.CharField(
        _("decision rule"),
        max_length=30,
        choices=Body.DecisionRule.choices,
        default=Body.DecisionRule.VOTES_CAST,
    )
    eligible = models.PositiveSmallIntegerField(_("entitled to vote"), default=0)
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True)

    class Meta:
        ordering = ("item", "opened_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(state="open"), name="ballot_one_open_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_kind_display()} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def is_secret(self) -> bool:
        return self.kind == self.Kind.SECRET

    @property
    def cast(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstained

    @property
    def adopted(self) -> bool:
        """Whether the motion is carried under the body's rule (Body.DecisionRule)."""
        if self.rule == Body.DecisionRule.MAJORITY_OF_VOTERS:
            return self.votes_for * 2 > self.eligible
        if self.rule == Body.DecisionRule.TWO_THIRDS:
            return self.cast > 0 and self.votes_for * 3 >= self.cast * 2
        return self.votes_for > self.votes_against


class BallotVote(models.Model):
    """A vote of a named ballot (or of a show of hands): whose vote it is, who cast it and how."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        PROXY = "proxy", _("by proxy")
        PAPER = "paper", _("entered by the secretary from a paper ballot")
        SHOW_OF_HANDS = "show_of_hands", _("unanimously, by show of hands")

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ballot_votes"
    )
    # Who pressed the button: the voter, their proxy holder or the secretary (empty for votes
    # recorded before members voted themselves).
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=20, choices=Method.choices)
    choice = models.CharField(_("vote"), max_length=10, choices=Ballot.Choice.choices)
    cast_at = models.DateTimeField()

    class Meta:
        ordering = ("ballot", "voter__last_name", "voter__first_name", "pk")
        constraints = [models.UniqueConstraint(fields=["ballot", "voter"], name="ballot_vote_once")]

    def __str__(self) -> str:
        return f"{self.voter}: {self.choice}"

    @property
    def mark(self) -> str:
        """How the vote was cast, when not by the voter in person, as the minutes print it."""
        return how_cast(self)


class BallotParticipation(models.Model):
    """That a member took part in a secret ballot: no choice and no time, so that nothing
    links a vote to the person (the choice goes to the ballot's counters only)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="participations")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=20, choices=BallotVote.Method.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "voter"], name="ballot_participation_once")
        ]

    def __str__(self) -> str:
        return str(self.voter)

    @property
    def mark(self) -> str:
        """How the vote was cast, when not by the voter in person, as the minutes print it."""
        return how_cast(self)


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
    # The deadline engine's notices (workflow/deadlines.py, send_task_reminders), each sent once:
    # the reminder before the deadline, the overdue notice to whoever is responsible, then the
    # escalation to the programme office and the secretary of the meeting's body.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_notice_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

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
