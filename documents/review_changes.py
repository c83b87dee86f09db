"""An expert changes their submitted review of the current round until the chair decides on it
(a revision request, an approval or a rejection ends the round's `wg_review`). What the review
said before is kept (ReviewChange), the change audited and the group's chair and secretary
told; a change from a form drawn before another change of the same review is stale (409)."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from documents import rules
from documents.models import Proposal, Review, ReviewChange, ReviewCriterion
from mbk.exceptions import ActionRefusedError, StaleObjectError
from workflow import runner
from workflow.notify import notify

State = Proposal.State


def weighted(scores: dict[str, int]) -> Decimal:
    """The weighted score of a review's scores; refuses (409) scores that miss a criterion or
    fall outside 1..5."""
    criteria = list(ReviewCriterion.objects.all())
    if set(scores) != {c.code for c in criteria} or not all(
        1 <= int(v) <= 5 for v in scores.values()
    ):
        raise ActionRefusedError(_("Score every criterion from 1 to 5."))
    total_weight = sum(c.weight for c in criteria)
    return round(sum(c.weight * int(scores[c.code]) for c in criteria) / total_weight, 2)


@transaction.atomic
def proposal_review_change(
    *,
    proposal_id: int,
    by: User,
    scores: dict[str, int],
    recommendation: str,
    comments: str,
    seen_edition: int | None = None,
) -> Review:
    """Replace the expert's review of the current round with new scores, recommendation and
    comments, keeping the earlier ones; refused once the chair decided on the round (409), for
    anyone but its expert (403) and from a form older than its last change (409). Notifies the
    group's chair (or whoever decides in their place) and secretary."""
    change = runner.begin(
        Proposal, proposal_id, by=by, states=(State.WG_REVIEW,), rule=rules.can_change_review
    )
    proposal = change.obj
    review = Review.objects.select_for_update().get(
        proposal=proposal, expert=by, round=proposal.round
    )
    if seen_edition is not None and seen_edition != review.edition:
        raise StaleObjectError
    if recommendation not in Review.Recommendation.values:
        raise ActionRefusedError(_("Choose a recommendation."))
    if not comments.strip():
        raise ActionRefusedError(_("Justify the scores in the comments."))
    new_scores = {k: int(v) for k, v in scores.items()}
    score = weighted(new_scores)
    unchanged = (new_scores, recommendation, comments) == (
        review.scores,
        review.recommendation,
        review.comments,
    )
    if unchanged:
        raise ActionRefusedError(_("The review is the same as before: nothing to change."))
    ReviewChange.objects.create(
        review=review,
        scores=review.scores,
        weighted_score=review.weighted_score,
        recommendation=review.recommendation,
        comments=review.comments,
    )
    before = f"{review.get_recommendation_display()}: {review.weighted_score}"
    review.scores = new_scores
    review.weighted_score = score
    review.recommendation = recommendation
    review.comments = comments
    review.edition += 1
    review.changed_at = timezone.now()
    review.save()
    # The proposal's own fields stay: nobody's form of the proposal becomes stale.
    change.finish(
        "review_changed",
        bump=False,
        comment=f"{before} → {review.get_recommendation_display()}: {review.weighted_score}",
        content_sha256=review.version.sha256,
    )
    notify(
        rules.group_contacts(proposal),
        actor=by,
        kind="documents.review_changed",
        variant=by.gender,
        params={"title": proposal.title, "expert": by.get_full_name()},
        url_name="documents:proposal-detail",
        url_kwargs={"pk": proposal.pk},
    )
    return review
