"""The attachments of a frozen version through the API, as the version page lists and downloads
them (documents/keeping.py): the files it froze, even those removed from the proposal since.
Who may see the proposal may read them; anybody else gets 404."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.schema import refusals
from documents import keeping, rules
from documents.downloads import attachment_file
from documents.selectors import get_visible_proposal_or_404
from documents.uploads import ALLOWED
from mbk.serializers import CharField


class VersionAttachmentSerializer(serializers.Serializer):
    name = CharField()
    sha256 = CharField()
    removed_at = serializers.DateTimeField(
        source="attachment.removed_at", allow_null=True, default=None
    )
    download = serializers.SerializerMethodField(help_text="null: the file is no longer kept")

    def get_download(self, item) -> str | None:
        attachment = item["attachment"]
        if attachment is None:
            return None
        version = self.context["version"]
        return reverse(
            "api:version-attachment-file",
            args=[version.proposal_id, version.number, attachment.pk],
        )


class VersionAttachmentViewSet(viewsets.ViewSet):
    """`GET /api/v1/proposals/{proposal}/versions/{number}/attachments/` and
    `…/attachments/{pk}/file/`."""

    lookup_value_regex = "[0-9]+"

    def _version(self):
        proposal = get_visible_proposal_or_404(self.request.user, self.kwargs["proposal"])
        self.blind = rules.sees_blind(self.request.user, proposal)
        return get_object_or_404(proposal.versions, number=self.kwargs["number"])

    @extend_schema(
        responses={200: VersionAttachmentSerializer(many=True), **refusals(401, 404)},
    )
    def list(self, request, proposal=None, number=None):
        version = self._version()
        items = keeping.version_attachments(version, blind=self.blind)
        data = VersionAttachmentSerializer(items, many=True, context={"version": version}).data
        return Response(data)

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses={
            **{
                (200, content_type): OpenApiResponse(OpenApiTypes.BINARY)
                for content_type in sorted(set(ALLOWED.values()))
            },
            **refusals(401, 404),
        },
    )
    @action(detail=True, methods=["get"])
    def file(self, request, proposal=None, number=None, pk=None):
        version = self._version()
        return attachment_file(keeping.version_attachment_or_404(version, pk), blind=self.blind)
