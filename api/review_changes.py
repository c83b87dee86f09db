"""`POST /api/v1/proposals/{proposal}/review-changes/`: the assigned expert changes their review
of the current round (documents/review_changes.py), with the review's `edition` they read
(`GET …/reviews/`); `GET` lists the earlier texts of the proposal's reviews to whoever sees
the reviews. The same rules and service as the page."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from api.schema import refusals
from api.serializers import ReviewSerializer
from api.views import AtomicWrites
from directory.rules import require
from documents import rules
from documents.models import Review, ReviewChange
from documents.review_changes import proposal_review_change
from documents.selectors import get_visible_proposal_or_404
from mbk.serializers import CharField, ModelSerializer
from mbk.text import MULTILINE


class ReviewChangeSerializer(ModelSerializer):
    review = serializers.IntegerField(source="review_id")
    recommendation_label = CharField(source="get_recommendation_display")

    class Meta:
        model = ReviewChange
        fields = [
            "review",
            "scores",
            "weighted_score",
            "recommendation",
            "recommendation_label",
            "comments",
            "changed_at",
        ]


class ReviewChangeInputSerializer(serializers.Serializer):
    edition = serializers.IntegerField(min_value=0, help_text="the review's edition read")
    scores = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=5))
    recommendation = serializers.ChoiceField(choices=Review.Recommendation.choices)
    comments = CharField(max_length=20000, style=MULTILINE)


class ReviewChangeViewSet(AtomicWrites, viewsets.ViewSet):
    def _proposal(self):
        return get_visible_proposal_or_404(self.request.user, self.kwargs["proposal"])

    @extend_schema(responses={200: ReviewChangeSerializer(many=True), **refusals(401, 403, 404)})
    def list(self, request, proposal=None):
        found = self._proposal()
        require(rules.can_see_reviews, request.user, found)
        changes = ReviewChange.objects.filter(review__proposal=found).order_by(
            "review_id", "changed_at", "pk"
        )
        return Response(ReviewChangeSerializer(changes, many=True).data)

    @extend_schema(
        request=ReviewChangeInputSerializer,
        responses={201: ReviewSerializer, **refusals(400, 401, 403, 404, 409)},
    )
    def create(self, request, proposal=None):
        found = self._proposal()
        incoming = ReviewChangeInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        review = proposal_review_change(
            proposal_id=found.pk,
            by=request.user,
            scores=data["scores"],
            recommendation=data["recommendation"],
            comments=data["comments"],
            seen_edition=data["edition"],
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)
