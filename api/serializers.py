"""What the API shows. Read serializers only describe rows the views have already chosen through
the permission rules; input serializers only check the shape of what comes in (the services
decide). Directory entries are named by their codes, people by their logins."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from directory.models import Body, Direction, ServiceType, SupportInstrument
from documents import blind as blind_review
from documents import rules
from documents.content import snapshot
from documents.models import (
    Attachment,
    BudgetLine,
    Call,
    Proposal,
    ProposalVersion,
    Remark,
    RenderJob,
    Review,
)
from documents.questions import visible_content
from mbk.serializers import CharField, ModelSerializer
from mbk.text import MULTILINE
from meetings.models import AgendaItem, Meeting, Task
from programme.models import ProgrammeVersion, Section, SectionRevision


class PersonSerializer(serializers.Serializer):
    username = CharField()
    full_name = CharField(source="get_full_name")


# --- Directory -----------------------------------------------------------------------------
class DirectionSerializer(ModelSerializer):
    working_group = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Direction
        fields = ["code", "name_ru", "name_en", "working_group"]


class BodySerializer(ModelSerializer):
    class Meta:
        model = Body
        fields = ["code", "kind", "name_ru", "name_en"]


class InstrumentSerializer(ModelSerializer):
    class Meta:
        model = SupportInstrument
        fields = ["code", "name_ru", "name_en"]


class ServiceTypeSerializer(ModelSerializer):
    class Meta:
        model = ServiceType
        fields = ["code", "name_ru", "name_en"]


class CallSerializer(ModelSerializer):
    directions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "title_ru",
            "title_en",
            "directions",
            "opens_on",
            "closes_on",
            "first_year",
            "last_year",
            "blind_review",
        ]


class CallBlindReviewSerializer(serializers.Serializer):
    blind_review = serializers.BooleanField(
        help_text=_("the experts do not see the authors, the organisation or the contact person")
    )


# --- Proposals -----------------------------------------------------------------------------
class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name_ru = CharField()
    inn = CharField()


BLIND_HELP = _("null for an expert of a call with blind review")
# What an expert of a blind review reads as null (documents.rules.sees_blind).
BLIND_FIELDS = ("organisation", "author", "coauthors", "created_by", "uploaded_by")


class BlindAware:
    """Read blind (documents.rules.sees_blind), the fields naming the authors or the organisation
    are null. Whether the reader is blind comes from the context (`blind`), else from the list's
    annotation (documents.selectors.blind_annotation), else from the rule."""

    def is_blind(self, proposal) -> bool:
        if "blind" in self.context:
            return self.context["blind"]
        if hasattr(proposal, "blind"):
            return proposal.blind
        return rules.sees_blind(self.context["request"].user, proposal)

    def hide_for_blind(self, data: dict, proposal) -> dict:
        if self.is_blind(proposal):
            for name in BLIND_FIELDS:
                if name in data:
                    data[name] = None
            if "title" in data:
                names = blind_review.identifying_strings(proposal)
                data["title"] = blind_review.mask_text(data["title"], names)
        return data


class ProposalListSerializer(BlindAware, ModelSerializer):
    state_label = CharField(source="get_state_display")
    call = serializers.PrimaryKeyRelatedField(read_only=True)
    direction = serializers.SlugRelatedField(slug_field="code", read_only=True)
    group = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organisation = OrganisationRefSerializer(allow_null=True, help_text=BLIND_HELP)
    author = PersonSerializer(allow_null=True, help_text=BLIND_HELP)
    page = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "title",
            "state",
            "state_label",
            "edition",
            "round",
            "call",
            "direction",
            "group",
            "organisation",
            "author",
            "created_at",
            "submitted_at",
            "decided_at",
            "decision_reference",
            "page",
        ]

    def get_page(self, proposal) -> str:
        return reverse("documents:proposal-detail", args=[proposal.pk])

    def to_representation(self, proposal):
        return self.hide_for_blind(super().to_representation(proposal), proposal)


class BudgetLineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    source = serializers.ChoiceField(choices=BudgetLine.Source.choices)
    amount = serializers.DecimalField(max_digits=15, decimal_places=2)


class IndicatorSerializer(serializers.Serializer):
    name = CharField(max_length=300)
    unit = CharField(max_length=50)
    baseline = serializers.DecimalField(max_digits=15, decimal_places=2)
    targets = serializers.DictField(
        child=serializers.DecimalField(max_digits=15, decimal_places=2), required=False
    )


class RequestedInstrumentSerializer(serializers.Serializer):
    instrument = serializers.SlugRelatedField(
        slug_field="code", queryset=SupportInstrument.objects.all()
    )
    justification = CharField(style=MULTILINE)


class MilestoneSerializer(serializers.Serializer):
    name = CharField(max_length=300)
    due_on = serializers.DateField()


class DraftSerializer(ModelSerializer):
    """The draft's content as the authors edit it (PATCH takes the same shape)."""

    direction = serializers.SlugRelatedField(slug_field="code", read_only=True)
    infrastructure_groups = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    services = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    budget_lines = BudgetLineSerializer(many=True)
    indicators = IndicatorSerializer(many=True)
    requested_instruments = RequestedInstrumentSerializer(many=True)
    milestones = MilestoneSerializer(many=True)

    class Meta:
        model = Proposal
        fields = [
            "title",
            "direction",
            "summary",
            "goals",
            "description",
            "readiness_level",
            "expected_results",
            "investors_and_partners",
            "infrastructure_groups",
            "services",
            "contact_name",
            "contact_email",
            "contact_phone",
            "budget_lines",
            "indicators",
            "requested_instruments",
            "milestones",
        ]


class ProposalSerializer(ProposalListSerializer):
    """A proposal as its reader may see it: its authors read the draft as it stands (and get
    `draft`, the shape PATCH takes); everyone else reads the last submitted version."""

    coauthors = PersonSerializer(many=True, allow_null=True, help_text=BLIND_HELP)
    shown_version = serializers.SerializerMethodField()
    content = serializers.SerializerMethodField()
    draft = serializers.SerializerMethodField()

    class Meta(ProposalListSerializer.Meta):
        fields = [
            *ProposalListSerializer.Meta.fields,
            "coauthors",
            "decision_reason",
            "shown_version",
            "content",
            "draft",
        ]

    def _shown(self, proposal) -> ProposalVersion | None:
        """None: the live draft."""
        if not hasattr(proposal, "_api_shown"):
            user = self.context["request"].user
            latest = proposal.versions.order_by("-number").first()
            live = latest is None or rules.can_edit_proposal(user, proposal)
            proposal._api_shown = None if live else latest
        return proposal._api_shown

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_shown_version(self, proposal) -> int | None:
        shown = self._shown(proposal)
        return shown.number if shown else None

    @extend_schema_field(serializers.DictField())
    def get_content(self, proposal) -> dict:
        """Read blind, without the organisation and contact person, the attachments numbered
        and the authors' names taken out of the texts (documents/blind.py)."""
        shown = self._shown(proposal)
        content = shown.content if shown else snapshot(proposal)
        content = visible_content(self.context["request"].user, proposal, content)
        return blind_review.mask_content(content, proposal) if self.is_blind(proposal) else content

    @extend_schema_field(DraftSerializer(allow_null=True))
    def get_draft(self, proposal) -> dict | None:
        user = self.context["request"].user
        if not rules.can_edit_proposal(user, proposal):
            return None
        return DraftSerializer(proposal).data


class ProposalCreateSerializer(serializers.Serializer):
    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.all())
    direction = serializers.SlugRelatedField(slug_field="code", queryset=Direction.objects.all())
    title = CharField(max_length=300)


class InstrumentRequestSerializer(serializers.Serializer):
    """A requested instrument as PATCH takes it: the code is checked against the directory by
    the edit page's form (api/drafts.py)."""

    instrument = CharField(max_length=60)
    justification = CharField(allow_blank=True, style=MULTILINE)


class ProposalUpdateSerializer(serializers.Serializer):
    """The draft's content; fields left out keep their values, child lists are replaced as a
    whole. `revision` is the proposal's revision the caller last read: a newer one is a 409."""

    edition = serializers.IntegerField(min_value=0)
    title = CharField(max_length=300, required=False)
    direction = CharField(required=False, help_text=_("code; drafts only"))
    summary = CharField(required=False, allow_blank=True, style=MULTILINE)
    goals = CharField(required=False, allow_blank=True, style=MULTILINE)
    description = CharField(required=False, allow_blank=True, style=MULTILINE)
    readiness_level = serializers.IntegerField(required=False, allow_null=True)
    expected_results = CharField(required=False, allow_blank=True, style=MULTILINE)
    investors_and_partners = CharField(required=False, allow_blank=True, style=MULTILINE)
    contact_name = CharField(required=False, allow_blank=True)
    contact_email = CharField(required=False, allow_blank=True)
    contact_phone = CharField(required=False, allow_blank=True)
    infrastructure_groups = serializers.ListField(child=CharField(), required=False)
    services = serializers.ListField(child=CharField(), required=False)
    budget_lines = BudgetLineSerializer(many=True, required=False)
    indicators = IndicatorSerializer(many=True, required=False)
    requested_instruments = InstrumentRequestSerializer(many=True, required=False)
    milestones = MilestoneSerializer(many=True, required=False)


class VersionListSerializer(BlindAware, ModelSerializer):
    """Give `blind` and, for the content, `proposal` in the context."""

    created_by = PersonSerializer(allow_null=True, help_text=BLIND_HELP)

    class Meta:
        model = ProposalVersion
        fields = ["number", "sha256", "created_at", "created_by"]

    def to_representation(self, version):
        return self.hide_for_blind(super().to_representation(version), version.proposal)


class VersionSerializer(VersionListSerializer):
    class Meta(VersionListSerializer.Meta):
        fields = [*VersionListSerializer.Meta.fields, "content"]

    def to_representation(self, version):
        data = super().to_representation(version)
        if self.is_blind(version.proposal):
            data["content"] = blind_review.mask_content(version.content, version.proposal)
        return data


class ChangeSerializer(serializers.Serializer):
    field = CharField(source="label")
    before = CharField()
    after = CharField()
    lines = serializers.ListField(child=CharField())


class DiffSerializer(serializers.Serializer):
    before = serializers.IntegerField()
    after = serializers.IntegerField()
    changes = ChangeSerializer(many=True)


class ReviewSerializer(ModelSerializer):
    expert = PersonSerializer()
    version = serializers.IntegerField(source="version.number")
    recommendation_label = CharField(source="get_recommendation_display")

    class Meta:
        model = Review
        fields = [
            "id",
            "expert",
            "round",
            "version",
            "scores",
            "weighted_score",
            "recommendation",
            "recommendation_label",
            "comments",
            "submitted_at",
            "edition",
            "changed_at",
        ]


class RemarkSerializer(ModelSerializer):
    class Meta:
        model = Remark
        fields = ["id", "round", "number", "text", "answer"]


class AnswerSerializer(serializers.Serializer):
    remark = serializers.IntegerField(help_text=_("the remark's id"))
    answer = CharField(max_length=20000, allow_blank=True, style=MULTILINE)


class AnswersSerializer(serializers.Serializer):
    edition = serializers.IntegerField(min_value=0)
    answers = AnswerSerializer(many=True, min_length=1)


class AttachmentSerializer(BlindAware, ModelSerializer):
    """Read blind (give `blind` in the context), `original_name` is «Приложение N.ext»."""

    uploaded_by = PersonSerializer(allow_null=True, help_text=BLIND_HELP)
    original_name = CharField(
        help_text=_("the file's name; «Приложение N.ext» for an expert of a blind review")
    )
    download = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download",
        ]

    def get_download(self, attachment) -> str:
        return reverse("api:proposal-attachment-file", args=[attachment.proposal_id, attachment.pk])

    def to_representation(self, attachment):
        data = super().to_representation(attachment)
        if self.is_blind(attachment.proposal):
            data["original_name"] = getattr(
                attachment, "shown_name", None
            ) or blind_review.attachment_shown_name(attachment, blind=True)
        return self.hide_for_blind(data, attachment.proposal)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    edition = serializers.IntegerField(min_value=0, required=False)


class HistoryEntrySerializer(serializers.Serializer):
    sequence = serializers.IntegerField(source="entry.sequence")
    at = serializers.DateTimeField(source="entry.at")
    actor = serializers.SerializerMethodField()
    action = CharField(source="entry.action")
    action_label = CharField(source="action")
    from_state = CharField(source="entry.from_state")
    to_state = CharField(source="entry.to_state")
    comment = CharField()
    reference = CharField(source="entry.reference")

    @extend_schema_field(CharField(allow_null=True))
    def get_actor(self, row) -> str | None:
        """The actor's name; «the authors» for the authors' entries read blind."""
        return row["actor_name"] or None


# --- Transitions ---------------------------------------------------------------------------
class TransitionSerializer(serializers.Serializer):
    name = CharField()
    label = CharField()
    fields = serializers.ListField(
        child=CharField(), help_text=_("what the POST body takes besides the version")
    )
    url = CharField()


class TransitionsSerializer(serializers.Serializer):
    state = CharField()
    seen = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_("send these back with the transition: the version you acted on"),
    )
    transitions = TransitionSerializer(many=True)


# --- Programme -----------------------------------------------------------------------------
class SectionRevisionSerializer(ModelSerializer):
    state_label = CharField(source="get_state_display")

    class Meta:
        model = SectionRevision
        fields = [
            "number",
            "state",
            "state_label",
            "edition",
            "text",
            "rows",
            "sha256",
            "decision_reference",
            "approved_at",
            "updated_at",
        ]


class SectionSerializer(ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="code", read_only=True)
    current = serializers.SerializerMethodField()
    revisions = serializers.SerializerMethodField()

    class Meta:
        model = Section
        fields = [
            "id",
            "code",
            "position",
            "title_ru",
            "title_en",
            "owner",
            "table",
            "removed_at",
            "current",
            "revisions",
        ]

    @extend_schema_field(SectionRevisionSerializer(allow_null=True))
    def get_current(self, section) -> dict | None:
        revisions = list(section.revisions.all())  # prefetched, newest first
        return SectionRevisionSerializer(revisions[0]).data if revisions else None

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_revisions(self, section) -> list[int]:
        return [r.number for r in section.revisions.all()]


class ProgrammeVersionListSerializer(ModelSerializer):
    state_label = CharField(source="get_state_display")
    signed_by = PersonSerializer(allow_null=True)

    class Meta:
        model = ProgrammeVersion
        fields = [
            "id",
            "number",
            "state",
            "state_label",
            "edition",
            "note",
            "frozen_at",
            "snapshot_sha256",
            "decision_number",
            "decision_date",
            "signed_by",
        ]


class ProgrammeVersionCreateSerializer(serializers.Serializer):
    note = CharField(required=False, allow_blank=True, max_length=5000, style=MULTILINE)


class ProgrammeVersionSerializer(ProgrammeVersionListSerializer):
    class Meta(ProgrammeVersionListSerializer.Meta):
        fields = [*ProgrammeVersionListSerializer.Meta.fields, "snapshot"]


# --- Meetings ------------------------------------------------------------------------------
class AgendaItemSerializer(ModelSerializer):
    proposal = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    section = serializers.IntegerField(source="section_revision.section_id", allow_null=True)
    programme_version = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "position",
            "title",
            "proposal",
            "section",
            "programme_version",
            "motion",
            "result",
            "decision_note",
            "decided_at",
        ]


class TaskSerializer(ModelSerializer):
    responsible_person = PersonSerializer(allow_null=True)
    responsible_body = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Task
        fields = ["id", "text", "responsible_person", "responsible_body", "due_on", "done_at"]


class MeetingListSerializer(ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="code", read_only=True)
    state_label = CharField(source="get_state_display")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "body",
            "number",
            "starts_at",
            "place",
            "state",
            "state_label",
            "held_at",
            "minutes_approved_at",
        ]


class MeetingSerializer(MeetingListSerializer):
    items = AgendaItemSerializer(many=True)
    tasks = TaskSerializer(many=True)

    class Meta(MeetingListSerializer.Meta):
        fields = [*MeetingListSerializer.Meta.fields, "edition", "online_url", "items", "tasks"]


# --- Ballots and proxies ------------------------------------------------------------------
class BallotVoteSerializer(serializers.Serializer):
    voter = PersonSerializer()
    cast_by = PersonSerializer(allow_null=True)
    method = CharField()
    choice = CharField()


class BallotParticipantSerializer(serializers.Serializer):
    voter = PersonSerializer()
    cast_by = PersonSerializer(allow_null=True)
    method = CharField()


class MyVoteSerializer(serializers.Serializer):
    voter = CharField(help_text=_("user name of whose vote it is (the caller's, or a grantor's)"))
    by_proxy = serializers.BooleanField()
    voted = serializers.BooleanField()
    choice = CharField(allow_null=True, help_text=_("null in a secret ballot"))


class BallotSerializer(serializers.Serializer):
    """A ballot as the caller may see it: a secret ballot's totals only once it is closed, and
    never whose vote was which."""

    id = serializers.IntegerField()
    item = serializers.IntegerField(help_text=_("the agenda item's position"))
    kind = CharField()
    kind_label = CharField()
    state = CharField()
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    cancel_reason = CharField()
    rule = CharField(help_text=_("the body's decision rule, as it was when the ballot opened"))
    rule_label = CharField()
    votes_for = serializers.IntegerField(allow_null=True)
    votes_against = serializers.IntegerField(allow_null=True)
    votes_abstained = serializers.IntegerField(allow_null=True)
    voted = serializers.IntegerField(allow_null=True, help_text=_("null once the vote is over"))
    eligible = serializers.IntegerField(allow_null=True)
    not_voted = PersonSerializer(many=True, help_text=_("for whoever runs the meeting"))
    votes = BallotVoteSerializer(many=True, help_text=_("named votes; empty for a secret ballot"))
    participants = BallotParticipantSerializer(many=True, help_text=_("secret ballots only"))
    mine = MyVoteSerializer(many=True)


class BallotOpenSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, help_text=_("the agenda item's position"))
    kind = serializers.ChoiceField(choices=["named", "secret"])


class VoteSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=["for", "against", "abstained"])
    voter = CharField(
        required=False,
        max_length=150,
        help_text=_("user name of an absent member whose proxy the caller holds"),
    )


class PaperVoteSerializer(serializers.Serializer):
    voter = CharField(max_length=150, help_text=_("user name of the present member"))
    choice = serializers.ChoiceField(choices=["for", "against", "abstained"])


class VotedSerializer(serializers.Serializer):
    voted = serializers.BooleanField(help_text=_("the vote is counted; nothing more is said"))


class BallotCloseSerializer(serializers.Serializer):
    note = CharField(required=False, allow_blank=True, max_length=5000, style=MULTILINE)


class BallotCancelSerializer(serializers.Serializer):
    reason = CharField(max_length=2000)


class ProxySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    grantor = PersonSerializer()
    holder = PersonSerializer()
    created_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)


class ProxyGrantSerializer(serializers.Serializer):
    holder = CharField(max_length=150, help_text=_("user name of the member who votes for you"))


# --- PDF documents -------------------------------------------------------------------------
class RenderJobSerializer(ModelSerializer):
    file = serializers.SerializerMethodField()

    class Meta:
        model = RenderJob
        fields = [
            "id",
            "kind",
            "version_number",
            "language",
            "status",
            "attempts",
            "error",
            "created_at",
            "finished_at",
            "file_sha256",
            "file_size",
            "file",
        ]

    @extend_schema_field(CharField(allow_null=True))
    def get_file(self, job) -> str | None:
        if job.status != RenderJob.Status.DONE:
            return None
        return reverse("api:document-file", args=[job.pk])


class DocumentRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["passport", "conclusion"])
    version = serializers.IntegerField(min_value=1)
    language = serializers.ChoiceField(choices=["ru", "en"], default="ru")
