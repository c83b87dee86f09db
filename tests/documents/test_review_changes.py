"""Experts change their review of the current round until the chair decides on it: the earlier
text is kept, the change audited and the chair and secretary notified; a stale form is 409."""

import pytest
from django_fsm import TransitionNotAllowed

from directory.models import Membership
from documents import transitions
from documents.models import Review, ReviewChange
from documents.review_changes import proposal_review_change
from mbk.exceptions import ActionRefusedError, StaleObjectError
from tests.api.conftest import api_as
from tests.factories import MembershipFactory, draft_proposal
from workflow import audit
from workflow.models import Notice

SCORES = {"relevance": 5, "science": 4, "market": 4, "feasibility": 3, "team": 5}
LOWER = {"relevance": 2, "science": 2, "market": 2, "feasibility": 2, "team": 2}


@pytest.fixture
def group_secretary(cluster):
    return MembershipFactory(
        body=cluster["wg-pharma"], role=Membership.Role.SECRETARY, user__username="wg-secretary"
    ).user


@pytest.fixture
def reviewed(author, chair, expert, group_secretary):
    proposal = draft_proposal(author)
    transitions.proposal_submit(proposal_id=proposal.pk, by=author)
    transitions.proposal_assign_experts(proposal_id=proposal.pk, by=chair, experts=[expert])
    transitions.proposal_review(
        proposal_id=proposal.pk,
        by=expert,
        scores=SCORES,
        recommendation="approve",
        comments="Поддержать.",
    )
    return proposal


def change(proposal, by, **overrides):
    return proposal_review_change(
        proposal_id=proposal.pk,
        by=by,
        **{"scores": LOWER, "recommendation": "revise", "comments": "Доработать.", **overrides},
    )


@pytest.mark.django_db
def test_review_change_keeps_the_earlier_text_and_is_audited(reviewed, expert, chair):
    review = change(reviewed, expert, seen_edition=0)

    earlier = ReviewChange.objects.get()
    assert (review.recommendation, review.comments, str(review.weighted_score)) == (
        "revise",
        "Доработать.",
        "2.00",
    )
    assert (review.edition, review.changed_at is not None) == (1, True)
    assert (earlier.scores, earlier.recommendation, earlier.comments) == (
        SCORES,
        "approve",
        "Поддержать.",
    )
    entry = audit.history(reviewed).order_by("-sequence").first()
    assert (entry.action, entry.actor) == ("review_changed", expert)
    assert entry.comment == f"одобрить: {earlier.weighted_score} → доработать: 2.00"


@pytest.mark.django_db
def test_review_change_notifies_the_chair_and_secretary(reviewed, expert, chair, group_secretary):
    Notice.objects.all().delete()

    change(reviewed, expert)

    assert sorted(Notice.objects.values_list("recipient__username", flat=True)) == [
        "chair",
        "wg-secretary",
    ]


@pytest.mark.django_db
def test_review_change_from_a_stale_form_is_refused(reviewed, expert):
    change(reviewed, expert, seen_edition=0)

    with pytest.raises(StaleObjectError):
        change(reviewed, expert, comments="Иначе.", seen_edition=0)

    assert ReviewChange.objects.count() == 1


@pytest.mark.django_db
def test_review_change_after_the_chairs_decision_is_refused(reviewed, expert, chair):
    transitions.proposal_request_revision(proposal_id=reviewed.pk, by=chair, remarks=["Уточнить"])

    with pytest.raises(TransitionNotAllowed):
        change(reviewed, expert)

    assert Review.objects.get().recommendation == "approve"


@pytest.mark.django_db
def test_review_change_unchanged_is_refused(reviewed, expert):
    with pytest.raises(ActionRefusedError):
        change(reviewed, expert, scores=SCORES, recommendation="approve", comments="Поддержать.")

    assert ReviewChange.objects.count() == 0


@pytest.mark.parametrize("persona", ["chair", "author", "group_secretary", "governance_member"])
@pytest.mark.django_db
def test_review_change_page_is_forbidden_or_hidden(client, reviewed, persona, request):
    person = request.getfixturevalue(persona)
    client.force_login(person)

    response = client.post(
        f"/proposals/{reviewed.pk}/review/change/",
        {"review_edition": 0, "recommendation": "reject", "comments": "Нет"},
    )

    assert response.status_code == {"chair": 403, "author": 403, "group_secretary": 403}.get(
        persona, 404
    )
    assert ReviewChange.objects.count() == 0


@pytest.mark.django_db
def test_review_change_page_changes_and_chair_sees_the_mark(client, reviewed, expert, chair):
    client.force_login(expert)
    form = client.get(f"/proposals/{reviewed.pk}/review/change/")
    data = {f"score_{code}": 2 for code in LOWER}

    response = client.post(
        f"/proposals/{reviewed.pk}/review/change/",
        {**data, "review_edition": 0, "recommendation": "reject", "comments": "Не <b>готов</b>"},
    )
    stale = client.post(
        f"/proposals/{reviewed.pk}/review/change/",
        {**data, "review_edition": 0, "recommendation": "revise", "comments": "Ещё"},
    )
    client.force_login(chair)
    page = client.get(f"/proposals/{reviewed.pk}/").content.decode()

    assert form.status_code == 200
    assert response.status_code == 302
    assert stale.status_code == 409
    changed_on = Review.objects.get().changed_at.strftime("%d.%m.%Y")
    assert f"изменён {changed_on}" in page
    assert "Прежние редакции заключения" in page
    assert "Поддержать." in page
    assert "Не &lt;b&gt;готов&lt;/b&gt;" in page


@pytest.mark.django_db
def test_api_review_change_and_its_history(reviewed, expert, chair, author):
    url = f"/api/v1/proposals/{reviewed.pk}/review-changes/"
    body = {"edition": 0, "scores": LOWER, "recommendation": "revise", "comments": "Доработать."}

    changed = api_as(expert).post(url, body, format="json")
    stale = api_as(expert).post(url, {**body, "comments": "Иначе."}, format="json")
    forbidden = api_as(chair).post(url, {**body, "edition": 1}, format="json")
    history = api_as(chair).get(url)
    hidden = api_as(author).get(url)

    assert changed.status_code == 201
    assert (changed.json()["edition"], changed.json()["recommendation"]) == (1, "revise")
    assert stale.status_code == 409
    assert forbidden.status_code == 403
    assert [(c["recommendation"], c["comments"]) for c in history.json()] == [
        ("approve", "Поддержать.")
    ]
    assert hidden.status_code == 403
