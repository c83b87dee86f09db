"""What flows: calls for proposals, anchor-project proposals with their content, frozen
versions, attachments, expert reviews and the chair's remarks (DESIGN.md, "What flows")."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from directory.models import Body, Direction, Organisation, ServiceType, SupportInstrument
from mbk.i18n import bilingual
from mbk.text import validate_single_line


class Call(models.Model):
    """A call for proposals (приём заявок) opened by the programme office."""

    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    directions = models.ManyToManyField(Direction, verbose_name=_("directions"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    first_year = models.PositiveSmallIntegerField(
        _("first year of the projects"), validators=[MinValueValidator(2000)]
    )
    last_year = models.PositiveSmallIntegerField(
        _("last year of the projects"), validators=[MaxValueValidator(2100)]
    )
    guide = models.TextField(_("guide for authors"), blank=True)
    # Blind review: the experts read its proposals without their authors and organisation
    # (documents/rules.py, sees_blind; documents/blind.py). Set before the call opens.
    blind_review = models.BooleanField(
        _("blind review"),
        default=False,
        help_text=_(
            "The experts do not see the authors, the organisation or the contact person. "
            "It can be changed until the call opens."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")
        ordering = ("-opens_on", "pk")
        constraints = [
            models.CheckConstraint(
                name="call_closes_after_it_opens",
                condition=Q(closes_on__gte=models.F("opens_on")),
                violation_error_message=_("A call cannot close before it opens."),
            ),
            models.CheckConstraint(
                name="call_years_in_order",
                condition=Q(last_year__gte=models.F("first_year")),
                violation_error_message=_("The last year cannot come before the first year."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return bilingual(self.title_ru, self.title_en)

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    def is_open(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.opens_on <= on <= self.closes_on

    def has_opened(self, on: datetime.date | None = None) -> bool:
        return (on or timezone.localdate()) >= self.opens_on


class Proposal(ConcurrentTransitionMixin, models.Model):
    """An anchor-project proposal (заявка на включение якорного проекта)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        WG_REVIEW = "wg_review", _("in working-group review")
        REVISION_REQUESTED = "revision_requested", _("revision requested")
        WG_APPROVED = "wg_approved", _("approved by the working group")
        GOVERNANCE_REVIEW = "governance_review", _("before the governance body")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    EDITABLE = (State.DRAFT, State.REVISION_REQUESTED)
    IN_REVIEW = (State.SUBMITTED, State.WG_REVIEW, State.WG_APPROVED, State.GOVERNANCE_REVIEW)
    FINAL = (State.APPROVED, State.REJECTED, State.WITHDRAWN)

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="proposals"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="authored_proposals",
    )
    coauthors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-authors"),
        blank=True,
        related_name="coauthored_proposals",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    direction = models.ForeignKey(
        Direction, verbose_name=_("priority direction"), on_delete=models.PROTECT
    )
    group = models.ForeignKey(
        Body,
        verbose_name=_("working group"),
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text=_("The sectoral working group of the direction; set by the system."),
    )
    infrastructure_groups = models.ManyToManyField(
        Body,
        verbose_name=_("infrastructure groups it also concerns"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Body.Kind.INFRASTRUCTURE_GROUP},
    )
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    summary = models.TextField(_("summary"), blank=True)
    goals = models.TextField(_("goals and objectives"), blank=True)
    description = models.TextField(_("description of the project"), blank=True)
    readiness_level = models.PositiveSmallIntegerField(
        _("technology readiness level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("From 1 (basic principles observed) to 9 (proven in operation)."),
    )
    expected_results = models.TextField(_("expected results"), blank=True)
    investors_and_partners = models.TextField(_("anchor investors and partners"), blank=True)
    services = models.ManyToManyField(ServiceType, verbose_name=_("needed services"), blank=True)
    contact_name = models.CharField(
        _("contact person"), max_length=200, blank=True, validators=[validate_single_line]
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=50, blank=True, validators=[validate_single_line]
    )

    state = FSMField(
        _("state"), max_length=30, choices=State.choices, default=State.DRAFT, protected=True
    )
    # Raised by every save of the content: a form carries the number it was drawn from, and
    # a save from a stale form is refused instead of overwriting someone else's change.
    edition = models.PositiveIntegerField(default=0, editable=False)
    round = models.PositiveSmallIntegerField(_("review round"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    sent_to_governance_at = models.DateTimeField(
        _("first sent to the governance body at"), null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True)
    decision_reference = models.CharField(_("decision reference"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ("-created_at", "-pk")
        permissions = [
            ("review_proposal", _("Can review the proposal as an assigned expert")),
        ]
        indexes = [models.Index(fields=["group", "state"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE

    # --- Transitions: they set the proposal's own fields only (STYLE.md) -------------------
    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self) -> None:
        self.round = 1
        self.submitted_at = timezone.now()

    @transition(field=state, source=State.SUBMITTED, target=State.WG_REVIEW)
    def start_review(self) -> None:
        pass

    @transition(field=state, source=State.WG_REVIEW, target=State.REVISION_REQUESTED)
    def request_revision(self) -> None:
        pass

    @transition(field=state, source=State.REVISION_REQUESTED, target=State.WG_REVIEW)
    def resubmit(self) -> None:
        self.round += 1

    @transition(field=state, source=State.WG_REVIEW, target=State.WG_APPROVED)
    def approve_in_group(self) -> None:
        pass

    @transition(
        field=state, source=[State.WG_REVIEW, State.GOVERNANCE_REVIEW], target=State.REJECTED
    )
    def reject(self, *, reason: str, reference: str = "") -> None:
        self.decided_at = timezone.now()
        self.decision_reason = reason
        self.decision_reference = reference

    @transition(field=state, source=State.WG_APPROVED, target=State.GOVERNANCE_REVIEW)
    def send_to_governance(self) -> None:
        if self.sent_to_governance_at is None:
            self.sent_to_governance_at = timezone.now()

    @transition(field=state, source=State.GOVERNANCE_REVIEW, target=State.APPROVED)
    def approve(self, *, reference: str) -> None:
        self.decided_at = timezone.now()
        self.decision_reference = reference

    @transition(field=state, source=State.GOVERNANCE_REVIEW, target=State.WG_REVIEW)
    def return_to_group(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.DRAFT, State.REVISION_REQUESTED, *IN_REVIEW],
        target=State.WITHDRAWN,
    )
    def withdraw(self) -> None:
        self.decided_at = timezone.now()


class ProposalUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Proposal, on_delete=models.CASCADE)


class ProposalGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Proposal, on_delete=models.CASCADE)


class BudgetLine(models.Model):
    class Source(models.TextChoices):
        OWN = "own", _("own funds")
        PRIVATE = "private", _("private investors")
        CITY = "city", _("city of Moscow")
        FEDERAL = "federal", _("federal budget")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    amount = models.DecimalField(
        _("amount, roubles"),
        max_digits=15,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ("year", "source")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "year", "source"],
                name="budget_line_one_per_year_and_source",
                violation_error_message=_("There is already a line for this year and source."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_source_display()}: {self.amount}"


class Indicator(models.Model):
    """A target indicator: name, unit, baseline and a target for each year of the call."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50)
    baseline = models.DecimalField(_("baseline"), max_digits=15, decimal_places=2)
    targets = models.JSONField(_("targets by year"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("target indicator")
        verbose_name_plural = _("target indicators")
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return self.name


class RequestedInstrument(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="requested_instruments"
    )
    instrument = models.ForeignKey(
        SupportInstrument, verbose_name=_("support instrument"), on_delete=models.PROTECT
    )
    justification = models.TextField(_("justification"))

    class Meta:
        verbose_name = _("requested support instrument")
        verbose_name_plural = _("requested support instruments")
        ordering = ("instrument__position",)
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "instrument"],
                name="requested_instrument_once",
                violation_error_message=_("This instrument is already requested."),
            )
        ]

    def __str__(self) -> str:
        return str(self.instrument)


class Milestone(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("milestone"), max_length=300)
    due_on = models.DateField(_("date"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return f"{self.name} ({self.due_on})"


def attachment_path(attachment: "Attachment", filename: str) -> str:
    # Generated names only: the uploader's file name is kept in the row, never on disk.
    return f"proposals/{attachment.proposal_id}/{attachment.sha256}{attachment.extension}"


class Attachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ("uploaded_at", "pk")

    def __str__(self) -> str:
        return self.original_name


class ProposalVersion(models.Model):
    """The whole content of a proposal frozen at a submission (child rows included)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("frozen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal version")
        verbose_name_plural = _("proposal versions")
        ordering = ("proposal", "number")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="version_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.proposal} — v{self.number}"


class ReviewCriterion(models.Model):
    code = models.SlugField(unique=True)
    name_ru = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    weight = models.DecimalField(max_digits=4, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ("position", "code")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_ru, self.name_en)


class Assignment(models.Model):
    """An expert assigned to review a proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "expert"], name="assignment_once")
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.proposal}"


class Review(models.Model):
    """An expert's review of one round: scores by criterion, a recommendation, comments."""

    class Recommendation(models.TextChoices):
        APPROVE = "approve", _("approve")
        REVISE = "revise", _("revise")
        REJECT = "reject", _("reject")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    round = models.PositiveSmallIntegerField()
    version = models.ForeignKey(ProposalVersion, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(_("scores"))
    weighted_score = models.DecimalField(max_digits=4, decimal_places=2)
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices
    )
    comments = models.TextField(_("comments"))
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("round", "submitted_at")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "expert", "round"], name="review_once_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.proposal} ({self.round})"


class Remark(models.Model):
    """A numbered remark of the chair's revision request, and the author's answer."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="remarks")
    round = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    text = models.TextField(_("remark"))
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ("round", "number")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "round", "number"], name="remark_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round}.{self.number} {self.text[:50]}"


class ConflictDeclaration(models.Model):
    """A person's declared conflict of interest: it removes them from the proposal's review
    and decisions."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="conflicts")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "person"], name="conflict_once")]

    def __str__(self) -> str:
        return f"{self.person} ≠ {self.proposal}"


def rendered_document_path(job: "RenderJob", filename: str) -> str:
    # Named by the content's hash: a task that runs twice writes the same name, never a second
    # file beside the first.
    return f"documents/{job.kind}/{job.file_sha256[:2]}/{job.file_sha256}.pdf"


class RenderJob(models.Model):
    """One PDF of one kind of document, for one object at one content version, in one language.

    Rendered by a Celery worker (documents/pdf/pipeline.py); asking again for the same content
    finds this row instead of rendering anew. Older rows and their files stay downloadable."""

    class Kind(models.TextChoices):
        PASSPORT = "passport", _("project passport")
        CONCLUSION = "conclusion", _("expert conclusion")
        PROGRAMME = "programme", _("development programme")
        MINUTES = "minutes", _("minutes of the meeting")

    PROPOSAL_KINDS = (Kind.PASSPORT, Kind.CONCLUSION)

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("rendering")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    version_number = models.PositiveIntegerField(_("content version"))
    # Changes whenever what the document would show changes (documents/pdf/sources.py).
    source_key = models.CharField(max_length=64)
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    # The id of the latest message sent for this job: only that message may render it, so a
    # message the sweeper replaced does nothing when it arrives late.
    task_id = models.CharField(max_length=64, blank=True)
    # A running job's holder renews this every PDF_HEARTBEAT_SECONDS while it renders; once it
    # has passed, the holder is taken for dead and the sweeper queues the job again.
    lease_until = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file = models.FileField(upload_to=rendered_document_path, max_length=300, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_size = models.PositiveBigIntegerField(_("size, bytes"), null=True, blank=True)
    # A proposal's document rendered for the experts of a blind review: without its authors,
    # organisation and contact person (documents/blind.py). Its source key differs from the
    # full copy's, so the two renderings never mix.
    anonymised = models.BooleanField(_("anonymised"), default=False)

    class Meta:
        verbose_name = _("document rendering")
        verbose_name_plural = _("document renderings")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "source_key", "language"],
                name="render_job_once_per_content",
            )
        ]
        indexes = [
            models.Index(fields=["status", "queued_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · v{self.version_number} · {self.language}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def duration(self) -> datetime.timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
