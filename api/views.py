"""The REST API's endpoints. Thin, as the pages' views: each read goes through the selectors
that apply the permission rules (what the caller may not see is a 404, lists hold only what
they may see), each write through the service the page calls; api/exceptions.py turns the
refusals into JSON."""

import contextlib

from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.fields import empty
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.models import User
from api import drafts, filters
from api import serializers as s
from api import transitions as tables
from api.schema import refusals
from directory.models import Body, Direction, ServiceType, SupportInstrument
from documents import blind as blind_review
from documents import rules as document_rules
from documents import selectors as documents_selectors
from documents import services as documents_services
from documents.content import diff
from documents.downloads import attachment_file, rendered_document
from documents.models import Attachment, Call, Proposal, RenderJob
from documents.pdf import selectors as pdf_selectors
from documents.pdf import services as pdf_services
from documents.questions import visible_content
from documents.selectors import get_visible_proposal_or_404, visible_proposals
from documents.uploads import ALLOWED, SizeLimitedUploadHandler, check_upload, too_large_message
from mbk.exceptions import ActionRefusedError
from meetings import rules as meetings_rules
from meetings import selectors as meetings_selectors
from meetings import voting
from meetings.models import Ballot, Meeting, Proxy
from programme import rules
from programme import selectors as programme_selectors
from programme import services as programme_services
from programme.models import ProgrammeVersion, Section, SectionRevision


class AtomicWrites:
    """A write and the answer that reports it succeed or fail together: should the database
    fail after the service committed (while the answer is built), the caller would be told
    of a failure that did happen. So each write runs in one transaction, rolled back when the
    answer is a refusal or an error."""

    def dispatch(self, request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
            return response


class JsonErrors:
    """The refusals of a view that answers in another format (the schema in YAML, its page in
    HTML) are the API's JSON all the same."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


class SchemaView(JsonErrors, SpectacularAPIView):
    pass


class SchemaDocsView(JsonErrors, SpectacularSwaggerSplitView):
    pass


# --- Directory -----------------------------------------------------------------------------
def _read_only(serializer):
    """The schema of a read-only directory resource."""
    return extend_schema_view(
        list=extend_schema(responses={200: serializer(many=True), **refusals(401)}),
        retrieve=extend_schema(responses={200: serializer, **refusals(401, 404)}),
    )


class _DirectoryViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "code"
    filter_backends = []


@_read_only(s.DirectionSerializer)
class DirectionViewSet(_DirectoryViewSet):
    queryset = Direction.objects.select_related("working_group").order_by("position", "pk")
    serializer_class = s.DirectionSerializer


@_read_only(s.BodySerializer)
class BodyViewSet(_DirectoryViewSet):
    queryset = Body.objects.order_by("position", "pk")
    serializer_class = s.BodySerializer


@_read_only(s.InstrumentSerializer)
class InstrumentViewSet(_DirectoryViewSet):
    queryset = SupportInstrument.objects.order_by("position", "pk")
    serializer_class = s.InstrumentSerializer


@_read_only(s.ServiceTypeSerializer)
class ServiceTypeViewSet(_DirectoryViewSet):
    queryset = ServiceType.objects.order_by("position", "pk")
    serializer_class = s.ServiceTypeSerializer


class CallViewSet(AtomicWrites, viewsets.ReadOnlyModelViewSet):
    queryset = Call.objects.prefetch_related("directions").order_by("-opens_on", "-pk")
    serializer_class = s.CallSerializer
    filter_backends = []

    @extend_schema(responses={200: s.CallSerializer(many=True), **refusals(401)})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.CallSerializer, **refusals(401, 404)})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=s.CallBlindReviewSerializer,
        responses={200: s.CallSerializer, **refusals(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="blind-review")
    def blind_review(self, request, pk=None):
        """Turn the call's blind review on or off (the programme office, until the call opens);
        the same service as the call's page."""
        call = self.get_object()
        incoming = s.CallBlindReviewSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        call = documents_services.call_set_blind_review(
            call_id=call.pk, by=request.user, blind_review=incoming.validated_data["blind_review"]
        )
        return Response(s.CallSerializer(call).data)


# --- Transitions, shared by proposals, sections and programme versions ---------------------
def _run(request, subject, table: tables.Table, name: str) -> None:
    transition = table.get(name)
    if transition is None:
        raise Http404
    params = tables.params_serializer(transition)(data=request.data)
    errors = {} if params.is_valid() else dict(params.errors)
    given = request.data.get(transition.seen, empty) if hasattr(request.data, "get") else empty
    try:
        seen = serializers.IntegerField(min_value=0).run_validation(given)
    except ValidationError as invalid:
        errors[transition.seen] = invalid.detail
    if errors:
        raise ValidationError(errors)
    transition.run(subject, by=request.user, seen=seen, **params.validated_data)


class Transitions:
    """`GET …/transitions/` and `POST …/transitions/{name}/` of an object with a workflow. The
    viewset names its model's table (workflow/tables.py) and says what the table's rows run on,
    how its object reports the edition seen, its state and itself after a transition."""

    table: tables.Table

    def subject_of(self, obj):
        """What the table's transitions run on (None: nothing can run yet)."""
        return obj

    def seen_of(self, obj) -> dict[str, int]:
        raise NotImplementedError

    def state_of(self, obj) -> str:
        return obj.state

    def answer(self) -> Response:
        """The object as it is after the transition."""
        return Response(self.get_serializer(self.get_object()).data)

    def fields_of(self, transition) -> list[str]:
        """What the body of the transition's POST takes."""
        return transition.field_names()

    def run(self, request, subject, name: str) -> None:
        _run(request, subject, self.table, name)

    @action(detail=True, methods=["get"], url_path="transitions")
    def transitions(self, request, pk=None):
        obj = self.get_object()
        subject = self.subject_of(obj)
        offered = [] if subject is None else self.table.available(request.user, subject)
        data = {
            "state": self.state_of(obj),
            "seen": self.seen_of(obj),
            "transitions": [
                {
                    "name": t.name,
                    "label": str(t.label),
                    "fields": self.fields_of(t),
                    "url": f"{request.path}{t.name}/",
                }
                for t in offered
            ],
        }
        return Response(s.TransitionsSerializer(data).data)

    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def run_transition(self, request, pk=None, name=None):
        obj = self.get_object()
        subject = self.subject_of(obj)
        if subject is None:
            if self.table.get(name) is None:
                raise Http404
            raise ActionRefusedError(_("The section has no text yet."))
        self.run(request, subject, name)
        return self.answer()


def transitions_schema(table: tables.Table, answer, description: str):
    """The schema of a viewset's two transition endpoints (its own names and answer)."""
    return extend_schema_view(
        transitions=extend_schema(responses={200: s.TransitionsSerializer, **refusals(401, 404)}),
        run_transition=extend_schema(
            request=OpenApiTypes.OBJECT,
            responses={200: answer, **refusals(400, 401, 403, 404, 409)},
            parameters=[
                OpenApiParameter(
                    "name",
                    OpenApiTypes.STR,
                    OpenApiParameter.PATH,
                    enum=table.names(),
                )
            ],
            description=description,
        ),
    )


# --- Proposals -----------------------------------------------------------------------------
@transitions_schema(
    tables.PROPOSAL,
    s.ProposalSerializer,
    "Runs one transition. The body names the fields that `GET …/transitions/` lists for it, "
    "with the `edition` (or, for a review, the `version`) the caller read.",
)
class ProposalViewSet(
    AtomicWrites,
    Transitions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Proposals the caller may see; drafts are created and edited by their authors."""

    table = tables.PROPOSAL

    queryset = Proposal.objects.none()  # for the schema; get_queryset() chooses the rows
    filterset_class = filters.ProposalFilter
    # No PUT (PATCH keeps the fields left out) and no DELETE of a proposal (it is withdrawn);
    # DELETE is for attachments.
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        proposals = visible_proposals(self.request.user).select_related(
            "organisation", "direction", "group", "call", "author"
        )
        # The co-authors: shown in detail, and their names are taken out of the titles of the
        # proposals the caller reads blind (documents/blind.py).
        proposals = proposals.prefetch_related("coauthors")
        proposals = proposals.annotate(
            blind=documents_selectors.blind_annotation(self.request.user)
        )
        return proposals.order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return s.ProposalListSerializer if self.action == "list" else s.ProposalSerializer

    def get_object(self) -> Proposal:
        return get_visible_proposal_or_404(self.request.user, self.kwargs["pk"])

    def seen_of(self, proposal: Proposal) -> dict[str, int]:
        return tables.proposal_seen(proposal)

    def _shown(self, proposal: Proposal, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_object() if proposal is None else proposal
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(responses={200: s.ProposalListSerializer(many=True), **refusals(400, 401)})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.ProposalSerializer, **refusals(401, 404)})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=s.ProposalCreateSerializer,
        responses={201: s.ProposalSerializer, **refusals(400, 401, 403, 409)},
    )
    def create(self, request, *args, **kwargs):
        incoming = s.ProposalCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        proposal = documents_services.proposal_create(by=request.user, **incoming.validated_data)
        return self._shown(
            get_visible_proposal_or_404(request.user, proposal.pk), status.HTTP_201_CREATED
        )

    def update(self, request, *args, **kwargs):
        raise Http404  # PATCH only: fields left out keep their values

    @extend_schema(
        request=s.ProposalUpdateSerializer,
        responses={200: s.ProposalSerializer, **refusals(400, 401, 403, 404, 409)},
    )
    def partial_update(self, request, *args, **kwargs):
        proposal = self.get_object()
        if not proposal.is_editable:  # the state first (409), then the person (403)
            raise TransitionNotAllowed("not editable", object=proposal)
        rules.require(document_rules.can_edit_proposal, request.user, proposal)
        incoming = s.ProposalUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        forms, errors = drafts.check(proposal, incoming.validated_data)
        if errors:
            raise ValidationError(errors)
        documents_services.proposal_update(
            proposal_id=proposal.pk,
            by=request.user,
            content=forms.content(),
            seen_edition=forms.seen_edition(),
        )
        return self._shown(None)

    @extend_schema(responses={200: s.VersionListSerializer(many=True), **refusals(401, 404)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def versions(self, request, pk=None):
        proposal = self.get_object()
        versions = proposal.versions.select_related("created_by").order_by("number")
        blind = document_rules.sees_blind(request.user, proposal)
        return Response(s.VersionListSerializer(versions, many=True, context={"blind": blind}).data)

    @extend_schema(responses={200: s.VersionSerializer, **refusals(401, 404)})
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]+)")
    def version(self, request, pk=None, number=None):
        proposal = self.get_object()
        version = get_object_or_404(proposal.versions.select_related("created_by"), number=number)
        version.content = visible_content(request.user, proposal, version.content)
        blind = document_rules.sees_blind(request.user, proposal)
        return Response(s.VersionSerializer(version, context={"blind": blind}).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("before", int, required=True),
            OpenApiParameter("after", int, required=True),
        ],
        responses={200: s.DiffSerializer, **refusals(400, 401, 404)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def diff(self, request, pk=None):
        proposal = self.get_object()
        versions = {v.number: v for v in proposal.versions.all()}
        numbers = {}
        for name in ("before", "after"):
            value = request.query_params.get(name, "")
            if not value:
                raise ValidationError(
                    {name: [serializers.Field.default_error_messages["required"]]}
                )
            if not (value.isascii() and value.isdigit()) or int(value) not in versions:
                message = _("The proposal has no version “%(value)s”.") % {"value": value}
                raise ValidationError({name: [message]})
            numbers[name] = int(value)
        before, after = versions[numbers["before"]], versions[numbers["after"]]
        old = visible_content(request.user, proposal, before.content)
        new = visible_content(request.user, proposal, after.content)
        if document_rules.sees_blind(request.user, proposal):
            names = blind_review.identifying_strings(proposal)
            old = blind_review.mask_content(old, proposal, names)
            new = blind_review.mask_content(new, proposal, names)
        changes = diff(old, new)
        data = {"before": before.number, "after": after.number, "changes": changes}
        return Response(s.DiffSerializer(data).data)

    @extend_schema(responses={200: s.ReviewSerializer(many=True), **refusals(401, 403, 404)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def reviews(self, request, pk=None):
        proposal = self.get_object()
        rules.require(document_rules.can_see_reviews, request.user, proposal)
        reviews = proposal.reviews.select_related("expert", "version").order_by(
            "round", "submitted_at"
        )
        return Response(s.ReviewSerializer(reviews, many=True).data)

    @extend_schema(
        responses={200: s.HistoryEntrySerializer(many=True), **refusals(401, 404)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        proposal = self.get_object()
        sees_reviews = document_rules.can_see_reviews(request.user, proposal)
        blind = document_rules.sees_blind(request.user, proposal)
        timeline = documents_selectors.timeline(proposal, with_reviews=sees_reviews, blind=blind)
        return Response(s.HistoryEntrySerializer(timeline, many=True).data)

    @extend_schema(
        methods=["GET"],
        responses={200: s.RemarkSerializer(many=True), **refusals(401, 404)},
    )
    @extend_schema(
        methods=["POST"],
        request=s.AnswersSerializer,
        responses={200: s.RemarkSerializer(many=True), **refusals(400, 401, 403, 404, 409)},
        description="The authors answer the remarks of the last revision request (the "
        "proposal is then resubmitted with the `submit` transition).",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def remarks(self, request, pk=None):
        proposal = self.get_object()
        if request.method == "POST":
            if not proposal.is_editable:
                raise TransitionNotAllowed("not editable", object=proposal)
            rules.require(document_rules.can_edit_proposal, request.user, proposal)
            incoming = s.AnswersSerializer(data=request.data)
            incoming.is_valid(raise_exception=True)
            open_remarks = set(
                proposal.remarks.filter(round=proposal.round).values_list("pk", flat=True)
            )
            answers = {row["remark"]: row["answer"] for row in incoming.validated_data["answers"]}
            unknown = sorted(set(answers) - open_remarks)
            if unknown:
                raise ValidationError(
                    {
                        "answers": [
                            _("These are not remarks of the last request: %(ids)s.")
                            % {"ids": ", ".join(map(str, unknown))}
                        ]
                    }
                )
            documents_services.remarks_answer(
                proposal_id=proposal.pk,
                by=request.user,
                answers=answers,
                seen_edition=incoming.validated_data["edition"],
            )
        blind = document_rules.sees_blind(request.user, proposal)
        remarks = blind_review.shown_remarks(proposal, blind=blind)
        return Response(s.RemarkSerializer(remarks, many=True).data)

    @extend_schema(
        methods=["GET"],
        responses={200: s.AttachmentSerializer(many=True), **refusals(401, 404)},
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer, **refusals(400, 401, 403, 404, 409, 413)},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        filter_backends=[],
    )
    def attachments(self, request, pk=None):
        proposal = self.get_object()
        if request.method == "GET":
            blind = document_rules.sees_blind(request.user, proposal)
            rows = blind_review.listed_attachments(proposal, blind=blind)
            context = {"blind": blind}
            return Response(s.AttachmentSerializer(rows, many=True, context=context).data)
        if not proposal.is_editable:
            raise TransitionNotAllowed("not editable", object=proposal)
        rules.require(document_rules.can_edit_proposal, request.user, proposal)
        # The limit counts the bytes as they arrive, before anything reads the body. (A session
        # request's CSRF check has read it already: then check_upload's size check refuses.)
        with contextlib.suppress(AttributeError):  # handlers are frozen once the body is read
            request._request.upload_handlers.insert(0, SizeLimitedUploadHandler(request._request))
        incoming = s.AttachmentUploadSerializer(data=request.data)
        if getattr(request._request, "upload_too_large", False):
            raise ValidationError({"file": [too_large_message()]})
        incoming.is_valid(raise_exception=True)
        try:
            upload = check_upload(incoming.validated_data["file"])
        except ValueError as error:
            raise ValidationError({"file": [str(error)]}) from None
        attachment = documents_services.attachment_add(
            proposal_id=proposal.pk,
            by=request.user,
            upload=upload,
            seen_edition=incoming.validated_data.get("edition"),
        )
        written = s.AttachmentSerializer(attachment, context={"blind": False}).data  # its author
        return Response(written, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            **{
                (200, content_type): OpenApiResponse(OpenApiTypes.BINARY)
                for content_type in sorted(set(ALLOWED.values()))
            },
            **refusals(401, 404),
        }
    )
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment>[0-9]+)/file")
    def attachment_file(self, request, pk=None, attachment=None):
        proposal = self.get_object()
        found = get_object_or_404(Attachment.objects.current(), pk=attachment, proposal=proposal)
        return attachment_file(found, blind=document_rules.sees_blind(request.user, proposal))

    @extend_schema(
        responses={204: None, **refusals(401, 403, 404, 409)},
    )
    @attachment_file.mapping.delete
    def attachment_delete(self, request, pk=None, attachment=None):
        proposal = self.get_object()
        found = get_object_or_404(Attachment.objects.current(), pk=attachment, proposal=proposal)
        documents_services.attachment_remove(attachment_id=found.pk, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"],
        responses={200: s.RenderJobSerializer(many=True), **refusals(401, 404)},
    )
    @extend_schema(
        methods=["POST"],
        request=s.DocumentRequestSerializer,
        responses={202: s.RenderJobSerializer, **refusals(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def documents(self, request, pk=None):
        """The proposal's PDF documents: renderings the caller may read, and a new request."""
        proposal = self.get_object()
        if request.method == "GET":
            return Response(
                s.RenderJobSerializer(pdf_selectors.jobs_of(request.user, proposal), many=True).data
            )
        incoming = s.DocumentRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        job = pdf_services.document_request(
            kind=incoming.validated_data["kind"],
            proposal_id=proposal.pk,
            version_number=incoming.validated_data["version"],
            by=request.user,
            language=incoming.validated_data["language"],
        )
        return Response(s.RenderJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


# --- PDF jobs ------------------------------------------------------------------------------
class DocumentViewSet(AtomicWrites, viewsets.GenericViewSet):
    """A rendering: its status, its file once done, a retry when it failed."""

    serializer_class = s.RenderJobSerializer
    queryset = RenderJob.objects.none()
    filter_backends = []

    @extend_schema(responses={200: s.RenderJobSerializer, **refusals(401, 404)})
    def retrieve(self, request, pk=None):
        job = pdf_selectors.get_readable_job_or_404(request.user, pk)
        return Response(s.RenderJobSerializer(job).data)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            **refusals(401, 404),
        }
    )
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        job = pdf_selectors.get_readable_job_or_404(request.user, pk)
        if job.status != RenderJob.Status.DONE:
            raise Http404
        return rendered_document(job)

    @extend_schema(request=None, responses={202: s.RenderJobSerializer, **refusals(401, 404, 409)})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        job = pdf_selectors.get_readable_job_or_404(request.user, pk)
        job = pdf_services.document_retry(job_id=job.pk, by=request.user)
        return Response(s.RenderJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


# --- The programme -------------------------------------------------------------------------
@transitions_schema(
    tables.SECTION,
    s.SectionSerializer,
    "Runs one transition of the section's latest revision, with the `edition` the caller read.",
)
class SectionViewSet(AtomicWrites, Transitions, viewsets.ReadOnlyModelViewSet):
    """The sections of the current programme, for the members of the bodies."""

    queryset = Section.objects.none()  # for the schema; get_queryset() chooses the rows
    table = tables.SECTION
    serializer_class = s.SectionSerializer
    filter_backends = []

    def get_queryset(self):
        programme = programme_selectors.current_programme()
        if programme is None or not rules.can_view_programme(self.request.user):
            return Section.objects.none()
        return programme_selectors.sections_with_revisions(programme)

    def get_object(self) -> Section:
        return programme_selectors.get_visible_section_or_404(self.request.user, self.kwargs["pk"])

    def subject_of(self, section: Section):
        return tables.latest_revision(section)

    def seen_of(self, section: Section) -> dict[str, int]:
        return tables.section_seen(section)

    def state_of(self, section: Section) -> str:
        return tables.section_state(section)

    @extend_schema(responses={200: s.SectionSerializer(many=True), **refusals(401)})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.SectionSerializer, **refusals(401, 404)})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        responses={200: s.SectionRevisionSerializer, **refusals(401, 404)},
    )
    @action(detail=True, methods=["get"], url_path=r"revisions/(?P<number>[0-9]+)")
    def revision(self, request, pk=None, number=None):
        section = self.get_object()
        revision = get_object_or_404(SectionRevision, section=section, number=number)
        return Response(s.SectionRevisionSerializer(revision).data)


@transitions_schema(
    tables.VERSION,
    s.ProgrammeVersionSerializer,
    "Runs one transition of the version, with the `edition` the caller read.",
)
class ProgrammeVersionViewSet(
    AtomicWrites,
    Transitions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Versions of the current programme: all of them for the bodies' members, the signed ones
    for observers."""

    queryset = ProgrammeVersion.objects.none()  # for the schema; get_queryset() chooses the rows
    table = tables.VERSION
    filter_backends = []

    def get_queryset(self):
        programme = programme_selectors.current_programme()
        if programme is None or not rules.can_open_programme(self.request.user):
            return ProgrammeVersion.objects.none()
        return programme_selectors.visible_versions(self.request.user, programme)

    def get_serializer_class(self):
        if self.action == "list":
            return s.ProgrammeVersionListSerializer
        return s.ProgrammeVersionSerializer

    def get_object(self) -> ProgrammeVersion:
        return programme_selectors.get_visible_version_or_404(self.request.user, self.kwargs["pk"])

    def seen_of(self, version: ProgrammeVersion) -> dict[str, int]:
        return tables.version_seen(version)

    @extend_schema(responses={200: s.ProgrammeVersionListSerializer(many=True), **refusals(401)})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.ProgrammeVersionCreateSerializer,
        responses={201: s.ProgrammeVersionSerializer, **refusals(400, 401, 403, 409)},
        description="The programme office starts the next version (one is prepared at a time).",
    )
    def create(self, request, *args, **kwargs):
        rules.require(rules.can_create_programme_version, request.user)
        incoming = s.ProgrammeVersionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        programme = programme_selectors.current_programme()
        if programme is None:
            raise Http404
        version = programme_services.version_create(
            programme_id=programme.pk, by=request.user, note=incoming.validated_data.get("note", "")
        )
        return Response(s.ProgrammeVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.ProgrammeVersionSerializer, **refusals(401, 404)})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(responses={200: s.RenderJobSerializer(many=True), **refusals(401, 404)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def documents(self, request, pk=None):
        version = self.get_object()
        jobs = programme_selectors.programme_jobs(request.user, version, limit=50)
        return Response(s.RenderJobSerializer(jobs, many=True).data)


# --- Meetings ------------------------------------------------------------------------------
def _ballot_data(ballot: Ballot, user) -> dict:
    """The ballot as the caller may see it (BallotSerializer): a secret ballot says who took
    part and, once closed, its totals; never whose vote was which."""
    view = meetings_selectors.ballot_view(ballot, user) if ballot.is_open else None
    hidden = view is not None and not view.shows_totals
    runs = meetings_rules.can_run_meeting(user, ballot.item.meeting)
    votes = [] if ballot.is_secret else ballot.votes.select_related("voter", "cast_by")
    participants = meetings_selectors.participants(ballot) if ballot.is_secret else []
    return {
        "id": ballot.pk,
        "item": ballot.item.position,
        "kind": ballot.kind,
        "kind_label": ballot.get_kind_display(),
        "state": ballot.state,
        "opened_at": ballot.opened_at,
        "closed_at": ballot.closed_at,
        "cancel_reason": ballot.cancel_reason,
        "rule": ballot.rule,
        "rule_label": ballot.get_rule_display(),
        "votes_for": None if hidden else ballot.votes_for,
        "votes_against": None if hidden else ballot.votes_against,
        "votes_abstained": None if hidden else ballot.votes_abstained,
        "voted": len(view.voted) if view else None,
        "eligible": len(view.voters) if view else None,
        "not_voted": [v.person for v in view.waiting] if view and runs else [],
        "votes": votes,
        "participants": participants,
        "mine": [
            {
                "voter": row["voter"].person.username,
                "by_proxy": row["voter"].holder is not None,
                "voted": row["voted"],
                "choice": row["vote"].choice if row["vote"] else None,
            }
            for row in (view.my_rows() if view else [])
        ],
    }


def _person_or_400(field: str, username: str) -> User:
    person = User.objects.filter(username=username).first()
    if person is None:
        raise ValidationError({field: [_("No person has this user name.")]})
    return person


class MeetingViewSet(AtomicWrites, viewsets.ReadOnlyModelViewSet):
    """Meetings of the bodies the caller belongs to (all of them for the programme office),
    their ballots, where members vote themselves, and their proxies."""

    queryset = Meeting.objects.none()  # for the schema; get_queryset() chooses the rows
    filterset_class = filters.MeetingFilter

    def get_queryset(self):
        return meetings_selectors.meetings_of(self.request.user).order_by("-starts_at", "-pk")

    def get_serializer_class(self):
        return s.MeetingListSerializer if self.action == "list" else s.MeetingSerializer

    def get_object(self) -> Meeting:
        meeting = meetings_selectors.get_visible_meeting_or_404(
            self.request.user, self.kwargs["pk"]
        )
        return (
            Meeting.objects.select_related("body")
            .prefetch_related(
                "items__section_revision",
                Prefetch("tasks", queryset=meeting.tasks.select_related("responsible_person")),
                "tasks__responsible_body",
            )
            .get(pk=meeting.pk)
        )

    @extend_schema(responses={200: s.MeetingListSerializer(many=True), **refusals(400, 401)})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.MeetingSerializer, **refusals(401, 404)})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def _ballot(self, ballot_pk) -> Ballot:
        meeting = self.get_object()
        return get_object_or_404(
            Ballot.objects.select_related("item__meeting__body"),
            pk=ballot_pk,
            item__meeting=meeting,
        )

    def _ballot_answer(self, ballot_pk, code=status.HTTP_200_OK) -> Response:
        ballot = Ballot.objects.select_related("item__meeting__body").get(pk=ballot_pk)
        return Response(
            s.BallotSerializer(_ballot_data(ballot, self.request.user)).data, status=code
        )

    @extend_schema(responses={200: s.BallotSerializer(many=True), **refusals(401, 404)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def ballots(self, request, pk=None):
        meeting = self.get_object()
        ballots = Ballot.objects.filter(item__meeting=meeting).select_related("item__meeting__body")
        data = [
            _ballot_data(b, request.user) for b in ballots.order_by("item__position", "opened_at")
        ]
        return Response(s.BallotSerializer(data, many=True).data)

    @extend_schema(
        request=s.BallotOpenSerializer,
        responses={201: s.BallotSerializer, **refusals(400, 401, 403, 404, 409)},
        description="Whoever runs the held meeting opens a named or secret vote on a decision "
        "item (the quorum is needed).",
    )
    @action(detail=True, methods=["post"], url_path="ballots/open", filter_backends=[])
    def ballot_open(self, request, pk=None):
        meeting = self.get_object()
        incoming = s.BallotOpenSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        item = get_object_or_404(meeting.items, position=incoming.validated_data["item"])
        ballot = voting.ballot_open(
            item_id=item.pk, by=request.user, kind=incoming.validated_data["kind"]
        )
        return self._ballot_answer(ballot.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.VoteSerializer,
        responses={200: s.VotedSerializer, **refusals(400, 401, 403, 404, 409)},
        description="A present voting member votes (or, with `voter`, votes for an absent "
        "member whose proxy they hold). The answer says only that the vote is counted.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"ballots/(?P<ballot>[0-9]+)/vote",
        filter_backends=[],
    )
    def ballot_vote(self, request, pk=None, ballot=None):
        found = self._ballot(ballot)
        incoming = s.VoteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        voter = incoming.validated_data.get("voter")
        voting.ballot_vote(
            ballot_id=found.pk,
            by=request.user,
            choice=incoming.validated_data["choice"],
            voter_id=_person_or_400("voter", voter).pk if voter else None,
        )
        return Response(s.VotedSerializer({"voted": True}).data)

    @extend_schema(
        request=s.PaperVoteSerializer,
        responses={200: s.VotedSerializer, **refusals(400, 401, 403, 404, 409)},
        description="The secretary (or chair) enters a present member's paper ballot.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"ballots/(?P<ballot>[0-9]+)/paper",
        filter_backends=[],
    )
    def ballot_paper(self, request, pk=None, ballot=None):
        found = self._ballot(ballot)
        incoming = s.PaperVoteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        voting.ballot_vote_paper(
            ballot_id=found.pk,
            by=request.user,
            voter_id=_person_or_400("voter", incoming.validated_data["voter"]).pk,
            choice=incoming.validated_data["choice"],
        )
        return Response(s.VotedSerializer({"voted": True}).data)

    @extend_schema(
        request=None,
        responses={200: s.BallotSerializer, **refusals(401, 403, 404, 409)},
        description="By an open show of hands everyone agrees: every member who votes on the "
        "item (and every proxy held) voted for.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"ballots/(?P<ballot>[0-9]+)/all-in-favour",
        filter_backends=[],
    )
    def ballot_all_in_favour(self, request, pk=None, ballot=None):
        found = self._ballot(ballot)
        voting.ballot_all_in_favour(ballot_id=found.pk, by=request.user)
        return self._ballot_answer(found.pk)

    @extend_schema(
        request=s.BallotCloseSerializer,
        responses={200: s.BallotSerializer, **refusals(400, 401, 403, 404, 409)},
        description="Close the vote and record the item's decision (`note`: its wording); an "
        "adopted motion's transition is applied at once.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"ballots/(?P<ballot>[0-9]+)/close",
        filter_backends=[],
    )
    def ballot_close(self, request, pk=None, ballot=None):
        found = self._ballot(ballot)
        incoming = s.BallotCloseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        voting.ballot_close(
            ballot_id=found.pk, by=request.user, note=incoming.validated_data.get("note", "")
        )
        return self._ballot_answer(found.pk)

    @extend_schema(
        request=s.BallotCancelSerializer,
        responses={200: s.BallotSerializer, **refusals(400, 401, 403, 404, 409)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"ballots/(?P<ballot>[0-9]+)/cancel",
        filter_backends=[],
    )
    def ballot_cancel(self, request, pk=None, ballot=None):
        found = self._ballot(ballot)
        incoming = s.BallotCancelSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        voting.ballot_cancel(
            ballot_id=found.pk, by=request.user, reason=incoming.validated_data["reason"]
        )
        return self._ballot_answer(found.pk)

    @extend_schema(
        methods=["GET"], responses={200: s.ProxySerializer(many=True), **refusals(401, 404)}
    )
    @extend_schema(
        methods=["POST"],
        request=s.ProxyGrantSerializer,
        responses={201: s.ProxySerializer, **refusals(400, 401, 403, 404, 409)},
        description="The caller gives their vote at this meeting to another voting member.",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def proxies(self, request, pk=None):
        meeting = self.get_object()
        if request.method == "POST":
            incoming = s.ProxyGrantSerializer(data=request.data)
            incoming.is_valid(raise_exception=True)
            holder = _person_or_400("holder", incoming.validated_data["holder"])
            proxy = voting.proxy_grant(meeting_id=meeting.pk, by=request.user, holder_id=holder.pk)
            return Response(s.ProxySerializer(proxy).data, status=status.HTTP_201_CREATED)
        proxies = meeting.proxies.select_related("grantor", "holder").order_by("created_at", "pk")
        return Response(s.ProxySerializer(proxies, many=True).data)

    @extend_schema(request=None, responses={200: s.ProxySerializer, **refusals(401, 403, 404, 409)})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"proxies/(?P<proxy>[0-9]+)/revoke",
        filter_backends=[],
    )
    def proxy_revoke(self, request, pk=None, proxy=None):
        meeting = self.get_object()
        found = get_object_or_404(Proxy, pk=proxy, meeting=meeting)
        return Response(
            s.ProxySerializer(voting.proxy_revoke(proxy_id=found.pk, by=request.user)).data
        )
