"""The cluster's development programme (Программа развития МБК): its sections, written and
approved revision by revision, and its versions, which gather the approved sections and anchor
projects into a snapshot that the governance body signs (DESIGN.md, "What flows")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from directory.models import Body
from mbk.i18n import bilingual


class Programme(models.Model):
    """The programme as a whole: the place of its sections and versions."""

    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("development programme")
        verbose_name_plural = _("development programmes")
        ordering = ("-first_year", "pk")
        constraints = [
            models.CheckConstraint(
                name="programme_years_in_order",
                condition=Q(last_year__gte=models.F("first_year")),
                violation_error_message=_("The last year cannot come before the first year."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return bilingual(self.title_ru, self.title_en)

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


class Section(models.Model):
    """A place in the programme's structure (раздел программы). Its text lives in revisions:
    the approved ones are frozen, and amending one opens the next."""

    class Table(models.TextChoices):
        NONE = "", _("text only")
        INDICATORS = "indicators", _("target indicators by year")
        ACTIVITIES = "activities", _("activities")
        FINANCING = "financing", _("financing by year and source")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sections")
    code = models.SlugField(_("code"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    owner = models.ForeignKey(
        Body,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="programme_sections",
        limit_choices_to={"kind__in": [*Body.WORKING_GROUPS, Body.Kind.PROGRAMME_OFFICE]},
        help_text=_("The working group or the programme office that writes the section."),
    )
    table = models.CharField(
        _("structured table"), max_length=20, choices=Table.choices, blank=True, default=""
    )
    # Removed sections stay with their revisions and history (nothing is lost); the programme
    # leaves them out and the office may bring them back.
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme section")
        verbose_name_plural = _("programme sections")
        ordering = ("position", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"],
                name="section_code_once_per_programme",
                violation_error_message=_("The programme already has a section with this code."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return bilingual(self.title_ru, self.title_en)


class SectionRevision(ConcurrentTransitionMixin, models.Model):
    """One revision of a section's text and table, with its own way to approval."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        WG_REVIEW = "wg_review", _("in working-group review")
        CHANGES_REQUESTED = "changes_requested", _("changes requested")
        WG_APPROVED = "wg_approved", _("approved by the working group")
        GOVERNANCE_REVIEW = "governance_review", _("before the governance body")
        APPROVED = "approved", _("approved")

    EDITABLE = (State.DRAFT, State.CHANGES_REQUESTED)
    IN_REVIEW = (State.WG_REVIEW, State.WG_APPROVED, State.GOVERNANCE_REVIEW)

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("revision"))
    state = FSMField(
        _("state"), max_length=30, choices=State.choices, default=State.DRAFT, protected=True
    )
    text = models.TextField(_("text (Markdown)"), blank=True)
    rows = models.JSONField(_("table rows"), default=list, blank=True)
    # Bumped by every save through a service: a form drawn before is stale (409).
    edition = models.PositiveIntegerField(default=1)
    sha256 = models.CharField(max_length=64, blank=True)
    decision_reference = models.CharField(_("decision"), max_length=200, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("section revision")
        verbose_name_plural = _("section revisions")
        ordering = ("section", "number")
        constraints = [
            models.UniqueConstraint(fields=["section", "number"], name="section_revision_once")
        ]

    def __str__(self) -> str:
        return f"{self.section} — {self.number}"

    @transition(field=state, source=EDITABLE, target=State.WG_REVIEW)
    def submit(self) -> None:
        pass

    @transition(field=state, source=State.WG_REVIEW, target=State.CHANGES_REQUESTED)
    def request_changes(self) -> None:
        pass

    @transition(field=state, source=State.WG_REVIEW, target=State.WG_APPROVED)
    def approve_in_group(self) -> None:
        pass

    @transition(field=state, source=State.WG_APPROVED, target=State.GOVERNANCE_REVIEW)
    def send_to_governance(self) -> None:
        pass

    @transition(field=state, source=State.GOVERNANCE_REVIEW, target=State.CHANGES_REQUESTED)
    def return_from_governance(self) -> None:
        pass

    @transition(field=state, source=State.GOVERNANCE_REVIEW, target=State.APPROVED)
    def approve(self, *, reference: str, sha256: str) -> None:
        self.decision_reference = reference
        self.approved_at = timezone.now()
        self.sha256 = sha256


class ProgrammeVersion(ConcurrentTransitionMixin, models.Model):
    """A version of the programme put before the governance body. Frozen when sent: the
    snapshot holds the approved sections and anchor projects as they were; once approved it
    never changes again."""

    class State(models.TextChoices):
        DRAFTING = "drafting", _("drafting")
        GOVERNANCE_REVIEW = "governance_review", _("before the governance body")
        APPROVED = "approved", _("approved")
        SUPERSEDED = "superseded", _("superseded")

    OPEN = (State.DRAFTING, State.GOVERNANCE_REVIEW)
    SIGNED = (State.APPROVED, State.SUPERSEDED)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    state = FSMField(
        _("state"), max_length=30, choices=State.choices, default=State.DRAFTING, protected=True
    )
    note = models.TextField(_("what this version changes"), blank=True)
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    snapshot_sha256 = models.CharField(max_length=64, blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    edition = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")
        ordering = ("programme", "-number")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="programme_version_number_once"
            ),
            # One version at a time is drafted or considered.
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(state__in=["drafting", "governance_review"]),
                name="programme_version_one_open",
                violation_error_message=_("The programme already has a version in preparation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {self.number}"

    def save(self, *args, **kwargs) -> None:
        # What the governance body signed never changes: a signed version's snapshot must still
        # be the one its stored SHA-256 was computed from.
        if self.pk and self.state in self.SIGNED:
            from programme.assembly import snapshot_hash

            signed = (
                type(self)
                .objects.filter(pk=self.pk, state__in=self.SIGNED)
                .values_list("snapshot_sha256", flat=True)
                .first()
            )
            if signed and (
                signed != self.snapshot_sha256 or snapshot_hash(self.snapshot) != signed
            ):
                raise PermissionError("The snapshot of a signed programme version is immutable.")
        super().save(*args, **kwargs)

    @transition(field=state, source=State.DRAFTING, target=State.GOVERNANCE_REVIEW)
    def send_to_governance(self, *, snapshot: dict, sha256: str) -> None:
        self.snapshot = snapshot
        self.snapshot_sha256 = sha256
        self.frozen_at = timezone.now()

    @transition(field=state, source=State.GOVERNANCE_REVIEW, target=State.DRAFTING)
    def return_to_drafting(self) -> None:
        self.snapshot = None
        self.snapshot_sha256 = ""
        self.frozen_at = None

    @transition(field=state, source=State.GOVERNANCE_REVIEW, target=State.APPROVED)
    def approve(self, *, number: str, date, signed_by) -> None:
        self.decision_number = number
        self.decision_date = date
        self.signed_by = signed_by
        self.approved_at = timezone.now()

    @transition(field=state, source=State.APPROVED, target=State.SUPERSEDED)
    def supersede(self) -> None:
        pass
