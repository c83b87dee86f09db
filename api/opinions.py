"""The opinions of infrastructure groups in the API (issue 18): the list of a proposal's
opinions (`?proposal=<id>`) or, without it, of the caller's groups (the page «Заключения
инфраструктурных групп»); and their transitions (give, assign, waive) from the opinion's table
(documents/opinion_actions.py), run by the same services and rules as the pages."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.fields import IntegerField
from rest_framework.response import Response

from api.schema import refusals
from api.serializers import PersonSerializer
from api.views import AtomicWrites, Transitions, transitions_schema
from documents import opinions, rules
from documents.models import Opinion, Proposal
from documents.opinion_actions import OPINION
from documents.selectors import get_visible_proposal_or_404
from mbk.serializers import CharField, ModelSerializer


class OpinionSerializer(ModelSerializer):
    proposal = serializers.PrimaryKeyRelatedField(read_only=True)
    group = serializers.SlugRelatedField(source="body", slug_field="code", read_only=True)
    group_name = CharField(source="body.name")
    state_label = CharField(source="get_state_display")
    verdict_label = CharField(source="get_verdict_display")
    assignee = PersonSerializer(allow_null=True)
    given_by = PersonSerializer(allow_null=True)
    waived_by = PersonSerializer(allow_null=True)

    class Meta:
        model = Opinion
        fields = [
            "id",
            "proposal",
            "group",
            "group_name",
            "round",
            "state",
            "state_label",
            "edition",
            "due_on",
            "assignee",
            "verdict",
            "verdict_label",
            "text",
            "given_by",
            "given_at",
            "waived_by",
            "waived_at",
            "waiver_reason",
        ]


@transitions_schema(
    OPINION,
    OpinionSerializer,
    "Runs one transition of the opinion (give, assign, waive), with the `edition` the caller read.",
)
class OpinionViewSet(
    AtomicWrites,
    Transitions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Opinions of infrastructure groups the caller may see."""

    queryset = Opinion.objects.none()  # for the schema; get_queryset() chooses the rows
    serializer_class = OpinionSerializer
    table = OPINION
    filter_backends = []

    def _proposal(self) -> Proposal | None:
        given = self.request.query_params.get("proposal")
        if given is None:
            return None
        try:
            pk = IntegerField(min_value=1).run_validation(given)
        except serializers.ValidationError as invalid:
            raise ValidationError({"proposal": invalid.detail}) from None
        return get_visible_proposal_or_404(self.request.user, pk)

    def get_queryset(self) -> QuerySet[Opinion] | list[Opinion]:
        proposal = self._proposal()
        if proposal is not None:
            return opinions.opinions_of(self.request.user, proposal)
        if not rules.can_open_opinions(self.request.user):
            return Opinion.objects.none()
        return opinions.my_opinions(self.request.user).select_related("given_by", "waived_by")

    def get_object(self) -> Opinion:
        return opinions.get_visible_opinion_or_404(self.request.user, self.kwargs["pk"])

    def seen_of(self, opinion: Opinion) -> dict[str, int]:
        return {"edition": opinion.edition}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "proposal",
                OpenApiTypes.INT,
                description="The opinions of this proposal (404 if the caller may not see it); "
                "without it, those asked of the caller's infrastructure groups.",
            )
        ],
        responses={200: OpinionSerializer(many=True), **refusals(400, 401, 404)},
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: OpinionSerializer, **refusals(401, 404)})
    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)
