"""The cluster directory: directions, working groups and bodies, their members, organisations,
support instruments and service types (DESIGN.md, "The cluster directory")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from mbk.fields import WebsiteField
from mbk.i18n import bilingual


class BilingualName(models.Model):
    """A name in Russian (required) and English (optional, falls back to Russian)."""

    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_ru, self.name_en)


class DirectoryEntry(BilingualName):
    """An entry loaded from the directory file: a stable code and a place in the list."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ("position", "code")


class Direction(DirectoryEntry):
    """Priority sectoral direction (приоритетное отраслевое направление)."""

    class Meta(DirectoryEntry.Meta):
        verbose_name = _("priority direction")
        verbose_name_plural = _("priority directions")


class Body(DirectoryEntry):
    """A working group, the governance body or the programme office: anything with members."""

    class Kind(models.TextChoices):
        SECTORAL_GROUP = "sectoral_group", _("sectoral working group")
        INFRASTRUCTURE_GROUP = "infrastructure_group", _("infrastructure working group")
        GOVERNANCE = "governance", _("governance body")
        PROGRAMME_OFFICE = "programme_office", _("programme office")

    WORKING_GROUPS = (Kind.SECTORAL_GROUP, Kind.INFRASTRUCTURE_GROUP)

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    direction = models.OneToOneField(
        Direction,
        verbose_name=_("direction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="working_group",
    )
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    required_reviews = models.PositiveSmallIntegerField(
        _("reviews needed to approve"),
        default=2,
        help_text=_("How many submitted expert reviews the chair needs to approve a proposal."),
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum"),
        null=True,
        blank=True,
        help_text=_(
            "How many voting members must be present for a decision; empty: more than half."
        ),
    )
    proxies_count_for_quorum = models.BooleanField(
        _("proxies count towards the quorum"),
        default=False,
        help_text=_(
            "A member absent but represented by a proxy counts as present for the quorum. "
            "Proxies count in the votes either way."
        ),
    )

    class DecisionRule(models.TextChoices):
        VOTES_CAST = "votes_cast", _("more votes for than against (abstentions do not count)")
        MAJORITY_OF_VOTERS = (
            "majority_of_voters",
            _("for: more than half of the members entitled to vote on the item"),
        )
        TWO_THIRDS = "two_thirds", _("for: at least two thirds of the votes cast")

    decision_rule = models.CharField(
        _("decision rule"),
        max_length=30,
        choices=DecisionRule.choices,
        default=DecisionRule.VOTES_CAST,
        help_text=_("When a motion put to the vote at this body's meetings is adopted."),
    )
    max_proxies_per_holder = models.PositiveSmallIntegerField(
        _("proxies one member may hold"),
        default=1,
        help_text=_("How many absent members' votes one member may carry at a meeting."),
    )
    # Object permissions are granted to a body as a whole through this group; its users are
    # kept in step with the memberships (directory/signals.py). Observers are not in it.
    members_group = models.OneToOneField(
        "auth.Group", on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )

    class Meta(DirectoryEntry.Meta):
        verbose_name = _("working group or body")
        verbose_name_plural = _("working groups and bodies")
        constraints = [
            models.CheckConstraint(
                name="body_direction_iff_sectoral",
                condition=(
                    Q(kind="sectoral_group", direction__isnull=False)
                    | (~Q(kind="sectoral_group") & Q(direction__isnull=True))
                ),
                violation_error_message=_(
                    "A sectoral working group has a direction; other bodies have none."
                ),
            )
        ]

    @property
    def description(self) -> str:
        return bilingual(self.description_ru, self.description_en)


class Membership(models.Model):
    """A person's role in a body. One role per person per body; at most one chair."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        DEPUTY_CHAIR = "deputy_chair", _("deputy chair")
        SECRETARY = "secretary", _("secretary")
        EXPERT = "expert", _("expert")
        MEMBER = "member", _("member")
        STAFF = "staff", _("staff")
        OBSERVER = "observer", _("observer")

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    since = models.DateField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ("body__position", "role", "user__last_name")
        constraints = [
            models.UniqueConstraint(fields=["body", "user"], name="membership_one_role_per_body"),
            models.UniqueConstraint(
                fields=["body"],
                condition=Q(role="chair"),
                name="membership_one_chair_per_body",
                violation_error_message=_("This body already has a chair."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.body}"


class Organisation(ConcurrentTransitionMixin, BilingualName):
    """A company, institute or department. Proposed at sign-up, confirmed by the programme
    office before its people may submit proposals."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        RESEARCH = "research", _("research institute")
        UNIVERSITY = "university", _("university")
        GOVERNMENT = "government", _("government body")
        DEVELOPMENT = "development", _("development institution")
        ASSOCIATION = "association", _("association or platform")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("awaiting confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED, protected=True
    )
    inn = models.CharField(_("INN"), max_length=12, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True, default="Москва")
    website = WebsiteField(_("website"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Set by the programme office: a confirmed member who confirms colleagues joining it.
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations_in_contact",
        help_text=_(
            "A confirmed member of the organisation who confirms people joining it "
            "(the programme office can always do so)."
        ),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ("name_ru",)
        permissions = [("confirm_organisation", _("Can confirm proposed organisations"))]
        constraints = [
            models.UniqueConstraint(
                fields=["inn"], condition=~Q(inn=""), name="organisation_unique_inn"
            ),
            models.UniqueConstraint(fields=["name_ru"], name="organisation_unique_name_ru"),
        ]

    @transition(field=status, source=Status.PROPOSED, target=Status.CONFIRMED)
    def confirm(self) -> None:
        self.decided_at = timezone.now()

    @transition(field=status, source=Status.PROPOSED, target=Status.REJECTED)
    def reject(self) -> None:
        self.decided_at = timezone.now()


class Affiliation(models.Model):
    """The decision on a person's belonging to their organisation (the organisation named on the
    person, `User.organisation`), by the programme office or the organisation's contact person.

    No row for the pair means the person awaits confirmation: they may draft, not submit, and
    are not offered as a co-author. Absence is the waiting state so that no path that sets a
    person's organisation (sign-up, the admin, a script) can skip the confirmation."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        REFUSED = "refused", _("refused")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="affiliations",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="affiliations",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("membership of an organisation")
        verbose_name_plural = _("memberships of organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="affiliation_one_decision_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_status_display()})"


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class SupportInstrument(DirectoryEntry):
    """Support instrument a proposal may ask for (инструмент поддержки)."""

    class Meta(DirectoryEntry.Meta):
        verbose_name = _("support instrument")
        verbose_name_plural = _("support instruments")


class ServiceType(DirectoryEntry):
    """A service offered by an infrastructure working group (сервис кластера)."""

    body = models.ForeignKey(
        Body,
        verbose_name=_("infrastructure working group"),
        on_delete=models.PROTECT,
        related_name="service_types",
        limit_choices_to={"kind": Body.Kind.INFRASTRUCTURE_GROUP},
    )

    class Meta(DirectoryEntry.Meta):
        verbose_name = _("service type")
        verbose_name_plural = _("service types")
