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
        DUPLICATE = "duplicate", _("closed as a duplicate")

    EDITABLE = (State.DRAFT, State.REVISION_REQUESTED)
    IN_REVIEW = (State.SUBMITTED, State.WG_REVIEW, State.WG_APPROVED, State.GOVERNANCE_REVIEW)
    FINAL = (State.APPROVED, State.REJECTED, State.WITHDRAWN, State.DUPLICATE)
    # Before the group's decision the programme office may move a proposal to another sectoral
    # group (the new group starts over from submitted).
    MOVABLE = (State.SUBMITTED, State.WG_REVIEW, State.REVISION_REQUESTED)
    # Once submitted and before a final decision the office may close it as a duplicate.
    MAY_BE_DUPLICATE = (State.REVISION_REQUESTED, *IN_REVIEW)

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
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )

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

    @transition(field=state, source=list(MOVABLE), target=State.SUBMITTED)
    def move_to_group(self, *, group: Body) -> None:
        """To another sectoral group (and its direction): a new round, so that the reviews of
        the old group no longer count."""
        self.group = group
        if group.direction_id is not None:
            self.direction_id = group.direction_id
        self.round += 1

    @transition(field=state, source=list(MAY_BE_DUPLICATE), target=State.DUPLICATE)
    def mark_duplicate(self, *, original: "Proposal", reason: str) -> None:
        self.duplicate_of = original
        self.decided_at = timezone.now()
        self.decision_reason = reason


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


class AttachmentQuerySet(models.QuerySet):
    def current(self) -> "AttachmentQuerySet":
        """The attachments the proposal has now: not those removed after a version froze them
        (kept for that version, documents/keeping.py)."""
        return self.filter(removed_at=None)


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
    # Set when an attachment a frozen version lists is removed from the proposal: the row and
    # its file stay for that version, the proposal no longer shows it.
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AttachmentQuerySet.as_manager()

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
    # Set when the proposal moved to another group: the assignment stays as history and no
    # longer counts (documents/transitions.py, proposal_move).
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "expert"],
                condition=Q(ended_at=None),
                name="assignment_once",
            )
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
    # Raised by every change of the review (documents/review_changes.py): a change from a form
    # drawn before another one is refused (409).
    edition = models.PositiveIntegerField(default=0, editable=False)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

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


class ReviewChange(models.Model):
    """What a review said before its expert changed it (while the chair had not yet decided on
    its round): the previous scores, recommendation and comments, and when they were replaced."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="changes")
    scores = models.JSONField(_("scores"))
    weighted_score = models.DecimalField(max_digits=4, decimal_places=2)
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Review.Recommendation.choices
    )
    comments = models.TextField(_("comments"))
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("earlier text of a review")
        verbose_name_plural = _("earlier texts of reviews")
        ordering = ("review", "changed_at", "pk")

    def __str__(self) -> str:
        return f"{self.review} @ {self.changed_at:%Y-%m-%d %H:%M}"


class DiscussionEntry(models.Model):
    """An entry of the discussion of a proposal among its group, the programme office and,
    from the governance stage on, the governance body (documents/discussion.py). Never
    deleted: its writer may change it for a short while, the earlier texts kept."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="discussion_entries"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    edited_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    edition = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("discussion entry")
        verbose_name_plural = _("discussion entries")
        ordering = ("created_at", "pk")
        indexes = [models.Index(fields=["proposal", "created_at"])]

    def __str__(self) -> str:
        return f"{self.author} → {self.proposal}: {self.text[:50]}"


class DiscussionEntryEdit(models.Model):
    """The text an entry had before its writer changed it."""

    entry = models.ForeignKey(DiscussionEntry, on_delete=models.CASCADE, related_name="edits")
    text = models.TextField(_("text"))
    replaced_at = models.DateTimeField(_("replaced at"), auto_now_add=True)

    class Meta:
        verbose_name = _("earlier text of a discussion entry")
        verbose_name_plural = _("earlier texts of discussion entries")
        ordering = ("entry", "replaced_at", "pk")

    def __str__(self) -> str:
        return f"{self.entry_id} @ {self.replaced_at:%Y-%m-%d %H:%M}"


class Opinion(ConcurrentTransitionMixin, models.Model):
    """The opinion of an infrastructure working group a proposal names (issue 18): asked for
    when the sectoral group's review starts, given by the group's chair or the member the chair
    assigns, or waived by the programme office with a reason (documents/opinions.py).

    One per proposal and group: an opinion stands across review rounds; `round` is the round it
    was asked for or last given in. After a resubmission the group may give it anew (the earlier
    text stays in the audit trail)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("requested")
        GIVEN = "given", _("given")
        WAIVED = "waived", _("not required")

    class Verdict(models.TextChoices):
        FAVOURABLE = "favourable", _("favourable")
        WITH_CONDITIONS = "with_conditions", _("favourable with conditions")
        UNFAVOURABLE = "unfavourable", _("unfavourable")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="opinions")
    body = models.ForeignKey(
        Body,
        verbose_name=_("infrastructure group"),
        on_delete=models.PROTECT,
        related_name="opinions",
        limit_choices_to={"kind": Body.Kind.INFRASTRUCTURE_GROUP},
    )
    round = models.PositiveSmallIntegerField(_("review round"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = FSMField(
        _("state"),
        max_length=20,
        choices=State.choices,
        default=State.REQUESTED,
        protected=True,
    )
    edition = models.PositiveIntegerField(default=0, editable=False)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    text = models.TextField(_("opinion"), blank=True)
    due_on = models.DateField(_("due on"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    given_at = models.DateTimeField(_("given at"), null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    waived_at = models.DateTimeField(_("waived at"), null=True, blank=True)
    waiver_reason = models.TextField(_("reason it is not required"), blank=True)

    class Meta:
        verbose_name = _("opinion of an infrastructure group")
        verbose_name_plural = _("opinions of infrastructure groups")
        ordering = ("proposal", "body__position", "pk")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "body"], name="opinion_once_per_group")
        ]
        indexes = [models.Index(fields=["body", "state"])]

    def __str__(self) -> str:
        return f"{self.body} → {self.proposal}"

    # The proposal states in which a group gives its opinion or is excused from it: the sectoral
    # group's review and the authors' revision in between.
    PROPOSAL_OPEN = (Proposal.State.WG_REVIEW, Proposal.State.REVISION_REQUESTED)

    def proposal_is_open(self) -> bool:
        return self.proposal.state in self.PROPOSAL_OPEN

    def is_due_anew(self) -> bool:
        """Requested, or given in an earlier round than the proposal's (it was resubmitted)."""
        return self.state == self.State.REQUESTED or self.proposal.round > self.round

    # --- Transitions: they set the opinion's own fields only (STYLE.md) --------------------
    @transition(
        field=state,
        source=[State.REQUESTED, State.GIVEN],
        target=State.GIVEN,
        conditions=[proposal_is_open, is_due_anew],
    )
    def give(self, *, by, verdict: str, text: str, round_number: int) -> None:
        self.verdict = verdict
        self.text = text
        self.given_by = by
        self.given_at = timezone.now()
        self.round = round_number

    @transition(
        field=state, source=State.REQUESTED, target=State.WAIVED, conditions=[proposal_is_open]
    )
    def waive(self, *, by, reason: str) -> None:
        self.waived_by = by
        self.waived_at = timezone.now()
        self.waiver_reason = reason

    @transition(field=state, source=State.REQUESTED, target=State.WAIVED)
    def lapse(self, *, reason: str) -> None:
        """The system closes an opinion its rejected or withdrawn proposal no longer needs."""
        self.waived_at = timezone.now()
        self.waiver_reason = reason


class CallQuestion(models.Model):
    """A question the programme office adds to a call beyond the fixed proposal form
    (documents/questions.py changes them; authors answer them in the draft's form)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        NUMBER = "number", _("number")
        CHOICE = "choice", _("one of the choices")
        MULTIPLE = "multiple", _("several of the choices")
        YES_NO = "yes_no", _("yes or no")
        FILE = "file", _("file")

    CHOICE_KINDS = (Kind.CHOICE, Kind.MULTIPLE)

    class Visibility(models.TextChoices):
        REVIEWERS = "reviewers", _("reviewers and the programme office")
        OFFICE = "office", _("programme office only")

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="questions"
    )
    text_ru = models.CharField(_("question (Russian)"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    help_ru = models.TextField(_("explanation (Russian)"), blank=True)
    help_en = models.TextField(_("explanation (English)"), blank=True)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=Kind.choices)
    # For the two choice kinds: [{"code": "...", "label_ru": "...", "label_en": "..."}]; the
    # code is what answers store, so a label can be corrected without touching them.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    directions = models.ManyToManyField(
        Direction,
        verbose_name=_("directions"),
        blank=True,
        related_name="+",
        help_text=_("None chosen: the question applies to every direction of the call."),
    )
    visibility = models.CharField(
        _("who reads the answers"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.REVIEWERS,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question of the call")
        verbose_name_plural = _("questions of the call")
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return bilingual(self.text_ru, self.text_en)

    @property
    def help(self) -> str:
        return bilingual(self.help_ru, self.help_en)

    @property
    def office_only(self) -> bool:
        return self.visibility == self.Visibility.OFFICE

    def choice_label(self, code: str, *, russian: bool = False) -> str:
        for choice in self.choices:
            if choice["code"] == code:
                if russian:
                    return choice["label_ru"]
                return bilingual(choice["label_ru"], choice.get("label_en", ""))
        return code


class Answer(models.Model):
    """An author's answer to a question of the call: one per proposal and question. A file
    answer points at one of the proposal's attachments (checked like every attachment)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(CallQuestion, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(_("answer"), null=True, blank=True)
    attachment = models.ForeignKey(
        Attachment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("answer to a question of the call")
        verbose_name_plural = _("answers to questions of the call")
        constraints = [models.UniqueConstraint(fields=["proposal", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"{self.proposal_id} / {self.question_id}"


class OutboxMessage(models.Model):
    """A message the programme office writes to a set of people (documents.outbox): a draft
    with its recipients fixed when it was composed, then sent once (in-app notices and e-mails
    in each recipient's language) or discarded."""

    class Audience(models.TextChoices):
        CALL_AUTHORS = "call_authors", _("authors and co-authors of a call's proposals")
        GROUP_EXPERTS = "group_experts", _("experts of a working group")
        GROUP_CHAIRS = "group_chairs", _("chairs of all working groups")
        GOVERNANCE = "governance", _("the governance body")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENT = "sent", _("sent")
        DISCARDED = "discarded", _("discarded")

    subject_ru = models.CharField(_("subject (Russian)"), max_length=200, blank=True)
    body_ru = models.TextField(_("text (Russian)"), max_length=5000, blank=True)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"), max_length=5000, blank=True)
    audience = models.CharField(_("recipients"), max_length=20, choices=Audience.choices)
    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, null=True, blank=True
    )
    states = models.JSONField(_("states of the proposals"), default=list, blank=True)
    group = models.ForeignKey(
        Body,
        verbose_name=_("working group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message of the programme office")
        verbose_name_plural = _("outbox")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return self.subject_ru or self.subject_en
