"""`/api/v1/proposals/{proposal}/discussion/`: the proposal's discussion as its block on the
page shows it (documents/discussion.py): list, add (`POST`) and change an entry within its
writer's 15 minutes (`PATCH …/{id}/` with the entry's `edition`). Who cannot see the proposal
gets 404, who sees it but may not discuss it 403."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from api.schema import refusals
from api.serializers import PersonSerializer
from api.views import AtomicWrites
from directory.rules import require
from documents import discussion, rules
from documents.models import DiscussionEntry
from documents.selectors import get_visible_proposal_or_404
from mbk.serializers import CharField, ModelSerializer
from mbk.text import MULTILINE


class EarlierTextSerializer(serializers.Serializer):
    text = CharField()
    replaced_at = serializers.DateTimeField()


class DiscussionEntrySerializer(ModelSerializer):
    author = PersonSerializer()
    earlier = EarlierTextSerializer(source="edits", many=True)

    class Meta:
        model = DiscussionEntry
        fields = ["id", "author", "text", "created_at", "edited_at", "edition", "earlier"]


class PostedSerializer(serializers.Serializer):
    entry = DiscussionEntrySerializer()
    not_notified = serializers.ListField(
        child=CharField(), help_text="logins mentioned who cannot read the discussion or exist"
    )


class EntryInputSerializer(serializers.Serializer):
    text = CharField(max_length=discussion.MAX_LENGTH, style=MULTILINE)


class EntryChangeSerializer(EntryInputSerializer):
    edition = serializers.IntegerField(min_value=0, help_text="the entry's edition read")


class DiscussionViewSet(AtomicWrites, viewsets.ViewSet):
    lookup_value_regex = "[0-9]+"

    def _proposal(self):
        proposal = get_visible_proposal_or_404(self.request.user, self.kwargs["proposal"])
        require(rules.can_discuss, self.request.user, proposal)
        return proposal

    @extend_schema(responses={200: DiscussionEntrySerializer(many=True), **refusals(401, 403, 404)})
    def list(self, request, proposal=None):
        rows = discussion.entries(self._proposal())
        return Response(DiscussionEntrySerializer(rows, many=True).data)

    @extend_schema(
        request=EntryInputSerializer,
        responses={201: PostedSerializer, **refusals(400, 401, 403, 404, 409)},
    )
    def create(self, request, proposal=None):
        found = self._proposal()
        incoming = EntryInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        posted = discussion.discussion_post(
            proposal_id=found.pk, by=request.user, text=incoming.validated_data["text"]
        )
        return Response(PostedSerializer(posted).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        request=EntryChangeSerializer,
        responses={200: PostedSerializer, **refusals(400, 401, 403, 404, 409)},
    )
    def partial_update(self, request, proposal=None, pk=None):
        found = self._proposal()
        entry = get_object_or_404(DiscussionEntry, pk=pk, proposal=found)
        incoming = EntryChangeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        posted = discussion.discussion_edit(
            entry_id=entry.pk,
            by=request.user,
            text=incoming.validated_data["text"],
            seen_edition=incoming.validated_data["edition"],
        )
        return Response(PostedSerializer(posted).data)
