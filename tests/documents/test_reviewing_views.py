"""Pages of the working groups, the programme office and the governance body: who may open
them, what each POST changes, and that a refused POST changes nothing."""

import datetime

import pytest

from directory.models import Membership
from documents import rules, transitions
from documents import services as document_services
from documents.models import Assignment, ConflictDeclaration, Proposal, Remark, Review
from tests.factories import MembershipFactory, draft_proposal
from tests.workflow.states import proposal_in, with_reviewers
from workflow import audit

State = Proposal.State
SCORES = {"relevance": 5, "science": 4, "market": 4, "feasibility": 3, "team": 5}


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def second_expert(cluster):
    return MembershipFactory(
        body=cluster["wg-pharma"],
        role=Membership.Role.EXPERT,
        user__username="expert2",
        user__last_name="Смирнова",
    ).user


@pytest.fixture
def group_secretary(cluster):
    return MembershipFactory(
        body=cluster["wg-pharma"], role=Membership.Role.SECRETARY, user__username="wg-secretary"
    ).user


@pytest.fixture
def submitted(author, chair, expert, second_expert, office, secretary):
    proposal = draft_proposal(author)
    return transitions.proposal_submit(proposal_id=proposal.pk, by=author)


@pytest.fixture
def in_review(submitted, chair, expert, second_expert):
    return transitions.proposal_assign_experts(
        proposal_id=submitted.pk, by=chair, experts=[expert, second_expert]
    )


def review(proposal, *experts, comments="Проект соответствует приоритетам."):
    for person in experts:
        transitions.proposal_review(
            proposal_id=proposal.pk,
            by=person,
            scores=SCORES,
            recommendation="approve",
            comments=comments,
        )


@pytest.fixture
def group_approved(in_review, chair, expert, second_expert):
    review(in_review, expert, second_expert)
    return transitions.proposal_approve_in_group(proposal_id=in_review.pk, by=chair)


@pytest.fixture
def before_governance(group_approved, office):
    return transitions.proposal_send_to_governance(proposal_id=group_approved.pk, by=office)


def snapshot(proposal) -> tuple:
    """What a refused action must leave as it was."""
    proposal = Proposal.objects.get(pk=proposal.pk)
    return (
        proposal.state,
        proposal.edition,
        len(audit.history(proposal)),
        Review.objects.filter(proposal=proposal).count(),
        Assignment.objects.filter(proposal=proposal).count(),
        ConflictDeclaration.objects.filter(proposal=proposal).count(),
    )


def state_of(proposal) -> str:
    return Proposal.objects.get(pk=proposal.pk).state


def detail(proposal) -> str:
    return f"/proposals/{proposal.pk}/"


def as_user(client, user):
    client.force_login(user)
    return client


# --- Group inbox ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_inbox_lists_the_groups_proposals_with_review_counts(client, in_review, chair, expert):
    review(in_review, expert)

    response = as_user(client, chair).get("/inbox/")

    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["proposals"]) == [in_review]
    assert "Биоаналоги антител" in html
    assert 'data-testid="reviews-count">1 / 2<' in html
    assert 'data-state="wg_review"' in html


@pytest.mark.django_db
def test_inbox_filters_by_state_with_counts(client, in_review, author, chair):
    waiting = transitions.proposal_submit(
        proposal_id=draft_proposal(author, title="Вакцина").pk, by=author
    )
    client = as_user(client, chair)

    everything = client.get("/inbox/")
    only_submitted = client.get("/inbox/?state=submitted")

    assert set(everything.context["proposals"]) == {in_review, waiting}
    assert [(t.state, t.count) for t in everything.context["tabs"]] == [
        ("submitted", 1),
        ("wg_review", 1),
    ]
    assert list(only_submitted.context["proposals"]) == [waiting]
    assert [t.state for t in only_submitted.context["tabs"] if t.active] == ["submitted"]


@pytest.mark.django_db
def test_inbox_ignores_an_unknown_state(client, in_review, chair):
    response = as_user(client, chair).get("/inbox/?state=nonsense")

    assert list(response.context["proposals"]) == [in_review]


@pytest.mark.django_db
def test_inbox_of_another_group_lists_nothing(client, in_review, other_chair):
    response = as_user(client, other_chair).get("/inbox/")

    assert response.status_code == 200
    assert list(response.context["proposals"]) == []


@pytest.mark.parametrize("persona", ["author", "office", "secretary", "observer", "outsider"])
@pytest.mark.django_db
def test_inbox_forbidden_outside_working_groups(client, request, submitted, persona):
    response = as_user(client, request.getfixturevalue(persona)).get("/inbox/")

    assert response.status_code == 403


@pytest.mark.django_db
def test_inbox_shows_a_page_at_a_time_and_keeps_the_state_tab(
    client, submitted, author, chair, monkeypatch
):
    monkeypatch.setattr("mbk.paging.PER_PAGE", 5)
    for n in range(6):
        draft = draft_proposal(author, title=f"Проект {n}")
        transitions.proposal_submit(proposal_id=draft.pk, by=author)
    client = as_user(client, chair)

    first = client.get("/inbox/?state=submitted")
    second = client.get("/inbox/?state=submitted&page=2")
    beyond = client.get("/inbox/?state=submitted&page=99")
    nonsense = client.get("/inbox/?state=submitted&page=²")

    assert len(first.context["proposals"]) == 5
    assert len(second.context["proposals"]) == 2
    assert "1–5 of 7" in first.content.decode()  # as_user() reads the pages in English
    assert 'href="?state=submitted&amp;page=2"' in first.content.decode()
    assert beyond.context["page"].number == 2
    assert nonsense.context["page"].number == 1
    shown = {p.pk for p in first.context["proposals"]} | {p.pk for p in second.context["proposals"]}
    assert len(shown) == 7


@pytest.mark.django_db
def test_my_proposals_show_a_page_at_a_time(client, author, cluster, monkeypatch):
    monkeypatch.setattr("mbk.paging.PER_PAGE", 2)
    for n in range(3):
        draft_proposal(author, title=f"Черновик {n}")

    response = as_user(client, author).get("/proposals/mine/?page=2")

    assert [p.title for p in response.context["proposals"]] == ["Черновик 0"]
    assert response.context["page"].paginator.count == 3


# --- Assigned to me ------------------------------------------------------------------------
@pytest.mark.django_db
def test_assigned_shows_whether_my_review_is_in(client, in_review, expert):
    client = as_user(client, expert)

    before = client.get("/assigned/")
    review(in_review, expert)
    after = client.get("/assigned/")

    assert [p.my_review_in for p in before.context["proposals"]] == [False]
    assert f'href="/proposals/{in_review.pk}/review/"' in before.content.decode()
    assert [p.my_review_in for p in after.context["proposals"]] == [True]
    assert f'href="/proposals/{in_review.pk}/review/"' not in after.content.decode()


@pytest.mark.django_db
def test_assigned_leaves_out_a_proposal_with_a_declared_conflict(client, in_review, expert):
    transitions.proposal_declare_conflict(proposal_id=in_review.pk, by=expert, reason="Родство")

    response = as_user(client, expert).get("/assigned/")

    assert list(response.context["proposals"]) == []


@pytest.mark.django_db
def test_lists_answer_get_only(client, chair):
    response = as_user(client, chair).post("/inbox/")

    assert response.status_code == 405


@pytest.mark.parametrize("persona", ["chair", "author", "office", "outsider"])
@pytest.mark.django_db
def test_assigned_forbidden_to_non_experts(client, request, persona, cluster):
    response = as_user(client, request.getfixturevalue(persona)).get("/assigned/")

    assert response.status_code == 403


# --- Assign experts ------------------------------------------------------------------------
@pytest.fixture
def colleague_expert(cluster, author):
    """An expert of the group from the authors' own organisation: a conflict of interest."""
    return MembershipFactory(
        body=cluster["wg-pharma"],
        role=Membership.Role.EXPERT,
        user__username="colleague",
        user__organisation=author.organisation,
    ).user


@pytest.mark.django_db
def test_assign_page_shows_experts_and_disables_the_unavailable(
    client, submitted, chair, expert, second_expert, colleague_expert
):
    transitions.proposal_assign_experts(proposal_id=submitted.pk, by=chair, experts=[second_expert])

    response = as_user(client, chair).get(f"/proposals/{submitted.pk}/assign/")

    html = response.content.decode()
    reasons = {c.expert: c.unavailable for c in response.context["candidates"]}
    assert response.status_code == 200
    assert reasons[expert] == ""
    assert reasons[second_expert] == "already assigned"
    assert str(reasons[colleague_expert]).startswith("conflict of interest")
    assert f'value="{expert.pk}" id="expert-{expert.pk}">' in html
    assert f'value="{colleague_expert.pk}" id="expert-{colleague_expert.pk}" disabled>' in html


@pytest.mark.django_db
def test_assign_post_opens_the_review(client, submitted, chair, expert):
    response = as_user(client, chair).post(
        f"/proposals/{submitted.pk}/assign/",
        {"experts": [expert.pk], "edition": submitted.edition},
    )

    assert response.status_code == 302
    assert response.url == detail(submitted)
    assert state_of(submitted) == State.WG_REVIEW
    assert list(submitted.assignments.values_list("expert", flat=True)) == [expert.pk]


@pytest.mark.django_db
def test_assign_by_the_groups_secretary(client, submitted, group_secretary, expert):
    response = as_user(client, group_secretary).post(
        f"/proposals/{submitted.pk}/assign/",
        {"experts": [expert.pk], "edition": submitted.edition},
    )

    assert response.status_code == 302
    assert state_of(submitted) == State.WG_REVIEW


@pytest.mark.django_db
def test_assign_refuses_an_expert_with_a_conflict(client, submitted, chair, colleague_expert):
    before = snapshot(submitted)

    response = as_user(client, chair).post(
        f"/proposals/{submitted.pk}/assign/",
        {"experts": [colleague_expert.pk], "edition": submitted.edition},
    )

    assert response.status_code == 200
    assert "experts" in response.context["form"].errors
    assert snapshot(submitted) == before


@pytest.mark.django_db
def test_assign_refused_to_an_expert(client, submitted, expert):
    before = snapshot(submitted)

    response = as_user(client, expert).post(
        f"/proposals/{submitted.pk}/assign/",
        {"experts": [expert.pk], "edition": submitted.edition},
    )

    assert response.status_code == 403
    assert snapshot(submitted) == before


@pytest.mark.django_db
def test_assign_refused_in_a_wrong_state(client, group_approved, chair, cluster):
    newcomer = MembershipFactory(body=cluster["wg-pharma"], role=Membership.Role.EXPERT).user
    before = snapshot(group_approved)

    response = as_user(client, chair).post(
        f"/proposals/{group_approved.pk}/assign/",
        {"experts": [newcomer.pk], "edition": group_approved.edition},
    )

    assert response.status_code == 409
    assert snapshot(group_approved) == before


@pytest.mark.django_db
def test_assign_from_a_stale_page_is_refused(client, submitted, chair, expert):
    before = snapshot(submitted)

    response = as_user(client, chair).post(
        f"/proposals/{submitted.pk}/assign/",
        {"experts": [expert.pk], "edition": submitted.edition - 1},
    )

    assert response.status_code == 409
    assert "changed this item" in response.content.decode()
    assert snapshot(submitted) == before


# --- Review --------------------------------------------------------------------------------
def review_data(proposal, **overrides) -> dict:
    data = {f"score_{code}": score for code, score in SCORES.items()}
    data |= {
        "recommendation": "revise",
        "comments": "Уточнить бюджет.",
        "version": proposal.versions.order_by("-number").first().number,
    }
    return data | overrides


@pytest.mark.django_db
def test_review_page_shows_criteria_weights_and_the_version(client, in_review, expert):
    response = as_user(client, expert).get(f"/proposals/{in_review.pk}/review/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Relevance to the cluster&#x27;s priorities" in html
    assert "0.25" in html
    assert f'href="/proposals/{in_review.pk}/versions/1/"' in html


@pytest.mark.django_db
def test_review_post_records_the_review(client, in_review, expert):
    entries = len(audit.history(in_review))

    response = as_user(client, expert).post(
        f"/proposals/{in_review.pk}/review/", review_data(in_review)
    )

    stored = Review.objects.get(proposal=in_review, expert=expert)
    assert response.status_code == 302
    assert response.url == detail(in_review)
    assert (stored.scores, stored.recommendation, stored.round) == (SCORES, "revise", 1)
    assert str(stored.weighted_score) == "4.20"
    assert len(audit.history(in_review)) == entries + 1


@pytest.mark.django_db
def test_review_without_every_score_is_not_saved(client, in_review, expert):
    data = review_data(in_review)
    del data["score_team"]

    response = as_user(client, expert).post(f"/proposals/{in_review.pk}/review/", data)

    assert response.status_code == 200
    assert "score_team" in response.context["form"].errors
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_review_refused_to_the_chair(client, in_review, chair):
    before = snapshot(in_review)

    response = as_user(client, chair).post(
        f"/proposals/{in_review.pk}/review/", review_data(in_review)
    )

    assert response.status_code == 403
    assert snapshot(in_review) == before


@pytest.mark.django_db
def test_review_refused_in_a_wrong_state(client, in_review, chair, expert):
    transitions.proposal_request_revision(proposal_id=in_review.pk, by=chair, remarks=["Бюджет"])
    proposal = Proposal.objects.get(pk=in_review.pk)
    before = snapshot(proposal)

    response = as_user(client, expert).post(
        f"/proposals/{proposal.pk}/review/", review_data(proposal)
    )

    assert response.status_code == 409
    assert snapshot(proposal) == before


@pytest.mark.django_db
def test_review_of_a_version_that_is_no_longer_the_latest_is_refused(
    client, in_review, author, chair, expert
):
    form_of_version_1 = review_data(in_review)
    transitions.proposal_request_revision(proposal_id=in_review.pk, by=chair, remarks=["Бюджет"])
    remarks = Proposal.objects.get(pk=in_review.pk).remarks.all()
    document_services.remarks_answer(
        proposal_id=in_review.pk, by=author, answers={r.pk: "Исправлено" for r in remarks}
    )
    transitions.proposal_submit(proposal_id=in_review.pk, by=author)
    proposal = Proposal.objects.get(pk=in_review.pk)
    before = snapshot(proposal)

    response = as_user(client, expert).post(f"/proposals/{proposal.pk}/review/", form_of_version_1)

    assert proposal.state == "wg_review"
    assert response.status_code == 409
    assert snapshot(proposal) == before
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_review_form_stays_valid_when_another_expert_is_assigned_meanwhile(
    client, submitted, chair, expert, second_expert
):
    transitions.proposal_assign_experts(proposal_id=submitted.pk, by=chair, experts=[expert])
    open_form = review_data(Proposal.objects.get(pk=submitted.pk))
    transitions.proposal_assign_experts(proposal_id=submitted.pk, by=chair, experts=[second_expert])

    response = as_user(client, expert).post(f"/proposals/{submitted.pk}/review/", open_form)

    assert response.status_code == 302
    assert Review.objects.filter(expert=expert).count() == 1


@pytest.mark.django_db
def test_review_twice_in_a_round_is_refused(client, in_review, expert):
    review(in_review, expert)
    before = snapshot(in_review)

    page = as_user(client, expert).get(f"/proposals/{in_review.pk}/review/")
    response = client.post(f"/proposals/{in_review.pk}/review/", review_data(in_review))

    assert page.context["own_review"].expert == expert
    assert response.status_code == 409
    assert snapshot(in_review) == before


@pytest.mark.django_db
def test_expert_sees_other_reviews_only_after_their_own(client, in_review, expert, second_expert):
    review(in_review, second_expert, comments="Секретное мнение второго эксперта.")

    page = as_user(client, expert).get(f"/proposals/{in_review.pk}/review/")
    before = rules.can_see_reviews(expert, Proposal.objects.get(pk=in_review.pk))
    review(in_review, expert)
    after = rules.can_see_reviews(expert, Proposal.objects.get(pk=in_review.pk))

    assert "Секретное мнение второго эксперта." not in page.content.decode()
    assert (before, after) == (False, True)


# --- Decision of the working group ---------------------------------------------------------
@pytest.mark.django_db
def test_decide_page_shows_the_reviews_against_the_required_number(
    client, in_review, chair, expert, second_expert
):
    client = as_user(client, chair)
    empty = client.get(f"/proposals/{in_review.pk}/decide/").content.decode()
    review(in_review, expert, second_expert)

    response = client.get(f"/proposals/{in_review.pk}/decide/")

    html = response.content.decode()
    summary = response.context["summary"]
    assert "0 of 2 required reviews" in empty
    assert "2 of 2 required reviews" in html
    assert [str(row.average) for row in summary.averages] == [
        "5.00",
        "4.00",
        "4.00",
        "3.00",
        "5.00",
    ]
    assert str(summary.weighted_average) == "4.20"
    assert "Проект соответствует приоритетам." in html


@pytest.mark.django_db
def test_decide_request_revision_with_numbered_remarks(client, in_review, chair):
    response = as_user(client, chair).post(
        f"/proposals/{in_review.pk}/decide/",
        {
            "decision": "revise",
            "revise-edition": in_review.edition,
            "revise-remarks": "1. Уточните бюджет.\n\n2) Добавьте вехи.\n",
        },
    )

    remarks = list(Remark.objects.filter(proposal=in_review).values_list("number", "text"))
    assert response.status_code == 302
    assert response.url == detail(in_review)
    assert state_of(in_review) == State.REVISION_REQUESTED
    assert remarks == [(1, "Уточните бюджет."), (2, "Добавьте вехи.")]


@pytest.mark.django_db
def test_decide_approve_with_enough_reviews(client, in_review, chair, expert, second_expert):
    review(in_review, expert, second_expert)

    response = as_user(client, chair).post(
        f"/proposals/{in_review.pk}/decide/",
        {"decision": "approve", "approve-edition": in_review.edition, "approve-note": ""},
    )

    assert response.status_code == 302
    assert state_of(in_review) == State.WG_APPROVED


@pytest.mark.django_db
def test_decide_approve_without_enough_reviews_is_refused(client, in_review, chair, expert):
    review(in_review, expert)
    before = snapshot(in_review)

    response = as_user(client, chair).post(
        f"/proposals/{in_review.pk}/decide/",
        {"decision": "approve", "approve-edition": in_review.edition},
    )

    assert response.status_code == 409
    assert "needs 2 submitted reviews" in response.content.decode()
    assert snapshot(in_review) == before


@pytest.mark.django_db
def test_decide_reject_needs_a_reason(client, in_review, chair):
    client = as_user(client, chair)
    url = f"/proposals/{in_review.pk}/decide/"

    empty = client.post(url, {"decision": "reject", "reject-edition": in_review.edition})
    done = client.post(
        url,
        {
            "decision": "reject",
            "reject-edition": in_review.edition,
            "reject-reason": "Не относится к биотехнологиям.",
        },
    )

    proposal = Proposal.objects.get(pk=in_review.pk)
    assert empty.status_code == 200
    assert "reason" in empty.context["forms"]["reject"].errors
    assert done.status_code == 302
    assert (proposal.state, proposal.decision_reason) == (
        State.REJECTED,
        "Не относится к биотехнологиям.",
    )


@pytest.mark.django_db
def test_decide_refused_to_an_expert(client, in_review, expert):
    before = snapshot(in_review)

    response = as_user(client, expert).post(
        f"/proposals/{in_review.pk}/decide/",
        {"decision": "reject", "reject-edition": in_review.edition, "reject-reason": "Нет"},
    )

    assert response.status_code == 403
    assert snapshot(in_review) == before


@pytest.mark.django_db
def test_decide_refused_in_a_wrong_state(client, group_approved, chair):
    before = snapshot(group_approved)

    response = as_user(client, chair).post(
        f"/proposals/{group_approved.pk}/decide/",
        {"decision": "revise", "revise-edition": group_approved.edition, "revise-remarks": "X"},
    )

    assert response.status_code == 409
    assert snapshot(group_approved) == before


@pytest.mark.django_db
def test_decide_from_a_stale_page_is_refused(client, in_review, chair):
    before = snapshot(in_review)

    response = as_user(client, chair).post(
        f"/proposals/{in_review.pk}/decide/",
        {"decision": "reject", "reject-edition": in_review.edition - 1, "reject-reason": "Нет"},
    )

    assert response.status_code == 409
    assert snapshot(in_review) == before


# --- Programme office: to the governance body ----------------------------------------------
@pytest.mark.django_db
def test_send_to_governance_get_leads_to_the_queue_form(client, group_approved, office):
    response = as_user(client, office).get(f"/proposals/{group_approved.pk}/send-to-governance/")
    queue = client.get("/governance/")

    assert response.status_code == 302
    assert response.url == f"/governance/#send-{group_approved.pk}"
    assert [p for p, _form in queue.context["to_send"]] == [group_approved]
    assert f'id="send-{group_approved.pk}"' in queue.content.decode()


@pytest.mark.django_db
def test_send_to_governance_post(client, group_approved, office):
    response = as_user(client, office).post(
        f"/proposals/{group_approved.pk}/send-to-governance/",
        {"edition": group_approved.edition, "note": "На заседание № 4"},
    )

    assert response.status_code == 302
    assert response.url == detail(group_approved)
    assert state_of(group_approved) == State.GOVERNANCE_REVIEW


@pytest.mark.django_db
def test_send_to_governance_refused_to_the_chair(client, group_approved, chair):
    before = snapshot(group_approved)

    response = as_user(client, chair).post(
        f"/proposals/{group_approved.pk}/send-to-governance/",
        {"edition": group_approved.edition},
    )

    assert response.status_code == 403
    assert snapshot(group_approved) == before


@pytest.mark.django_db
def test_send_to_governance_refused_in_a_wrong_state(client, in_review, office):
    before = snapshot(in_review)

    response = as_user(client, office).post(
        f"/proposals/{in_review.pk}/send-to-governance/", {"edition": in_review.edition}
    )

    assert response.status_code == 409
    assert snapshot(in_review) == before


# --- Governance body -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "listed"),
    [("office", True), ("secretary", True), ("governance_member", True), ("chair", None)],
)
@pytest.mark.django_db
def test_governance_queue(client, request, before_governance, persona, listed):
    response = as_user(client, request.getfixturevalue(persona)).get("/governance/")

    if listed is None:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert list(response.context["proposals"]) == [before_governance]
        assert response.context["to_send"] == []


@pytest.mark.parametrize("persona", ["author", "observer", "outsider", "expert"])
@pytest.mark.django_db
def test_governance_queue_forbidden(client, request, cluster, persona):
    response = as_user(client, request.getfixturevalue(persona)).get("/governance/")

    assert response.status_code == 403


@pytest.mark.django_db
def test_governance_queue_has_a_tab_for_each_step_and_shows_a_page_at_a_time(
    client, cluster, author, chair, expert, office, secretary, monkeypatch
):
    people = with_reviewers(
        cluster, author=author, chair=chair, expert=expert, office=office, secretary=secretary
    )
    to_send = [proposal_in(State.WG_APPROVED, people, title=f"Проект {n}") for n in range(3)]
    before_body = proposal_in(State.GOVERNANCE_REVIEW, people, title="Проект у совета")
    monkeypatch.setattr("mbk.paging.PER_PAGE", 2)
    client = as_user(client, office)

    everything = client.get("/governance/")
    sending = client.get("/governance/?state=wg_approved")
    sending_two = client.get("/governance/?state=wg_approved&page=2")
    body = client.get("/governance/?state=governance_review")
    nonsense = client.get("/governance/?state=approved")

    assert [(t.state, t.count, t.active) for t in everything.context["tabs"]] == [
        ("wg_approved", 3, False),
        ("governance_review", 1, False),
    ]
    assert everything.context["page"].paginator.count == 4
    assert len(everything.context["proposals"]) == 2
    shown = [p.pk for p in sending.context["proposals"] + sending_two.context["proposals"]]
    assert sorted(shown) == sorted(p.pk for p in to_send)
    assert 'href="?state=wg_approved&amp;page=2"' in sending.content.decode()
    # The office's forms to send: one for each row of the page, none for another page's.
    assert [p.pk for p, _form in sending.context["to_send"]] == shown[:2]
    assert [p.pk for p in body.context["proposals"]] == [before_body.pk]
    assert body.context["to_send"] == []
    assert [t.state for t in body.context["tabs"] if t.active] == ["governance_review"]
    assert nonsense.context["all_active"]
    assert nonsense.context["page"].paginator.count == 4


def governance_post(client, proposal, decision, **fields):
    data = {"decision": decision, f"{decision}-edition": proposal.edition}
    data |= {f"{decision}-{name}": value for name, value in fields.items()}
    return client.post(f"/proposals/{proposal.pk}/governance-decision/", data)


@pytest.mark.django_db
def test_governance_approval_records_number_and_date(client, before_governance, secretary):
    response = governance_post(
        as_user(client, secretary), before_governance, "approve", number="№ 4", date="2026-12-15"
    )

    proposal = Proposal.objects.get(pk=before_governance.pk)
    assert response.status_code == 302
    assert response.url == detail(proposal)
    assert (proposal.state, proposal.decision_reference) == (State.APPROVED, "№ 4 от 15.12.2026")


@pytest.mark.django_db
def test_governance_approval_needs_the_date(client, before_governance, secretary):
    before = snapshot(before_governance)

    response = governance_post(as_user(client, secretary), before_governance, "approve", number="4")

    assert response.status_code == 200
    assert "date" in response.context["forms"]["approve"].errors
    assert snapshot(before_governance) == before


@pytest.mark.django_db
def test_governance_return_to_the_group(client, before_governance, secretary):
    response = governance_post(
        as_user(client, secretary), before_governance, "return", reason="Нужна оценка рынка"
    )

    assert response.status_code == 302
    assert state_of(before_governance) == State.WG_REVIEW


@pytest.mark.django_db
def test_governance_rejection_with_reason_and_reference(client, before_governance, secretary):
    response = governance_post(
        as_user(client, secretary),
        before_governance,
        "reject",
        reason="Нет источников финансирования",
        number="5",
        date="2026-12-15",
    )

    proposal = Proposal.objects.get(pk=before_governance.pk)
    assert response.status_code == 302
    assert (proposal.state, proposal.decision_reason, proposal.decision_reference) == (
        State.REJECTED,
        "Нет источников финансирования",
        "№ 5 от 15.12.2026",
    )


@pytest.mark.parametrize("persona", ["governance_member", "office"])
@pytest.mark.django_db
def test_governance_decision_refused_to_others(client, request, before_governance, persona):
    before = snapshot(before_governance)

    response = governance_post(
        as_user(client, request.getfixturevalue(persona)),
        before_governance,
        "approve",
        number="4",
        date="2026-12-15",
    )

    assert response.status_code == 403
    assert snapshot(before_governance) == before


@pytest.mark.django_db
def test_governance_decision_refused_in_a_wrong_state(client, before_governance, secretary):
    transitions.proposal_governance_approve(
        proposal_id=before_governance.pk, by=secretary, reference="№ 4 от 15.12.2026"
    )
    proposal = Proposal.objects.get(pk=before_governance.pk)
    before = snapshot(proposal)

    response = governance_post(
        as_user(client, secretary),
        proposal,
        "reject",
        reason="Ошибка",
        number="6",
        date="2027-01-10",
    )

    assert response.status_code == 409
    assert snapshot(proposal) == before


@pytest.mark.django_db
def test_governance_decision_from_a_stale_page_is_refused(client, before_governance, secretary):
    before = snapshot(before_governance)
    stale = Proposal(pk=before_governance.pk, edition=before_governance.edition - 1)

    response = governance_post(
        as_user(client, secretary), stale, "approve", number="4", date="2026-12-15"
    )

    assert response.status_code == 409
    assert snapshot(before_governance) == before


# --- Conflict of interest ------------------------------------------------------------------
@pytest.mark.django_db
def test_declaring_a_conflict_removes_the_expert_from_the_review(client, in_review, expert):
    response = as_user(client, expert).post(
        f"/proposals/{in_review.pk}/conflict/", {"reason": "Работал в организации автора"}
    )

    proposal = Proposal.objects.get(pk=in_review.pk)
    assert response.status_code == 302
    assert response.url == detail(proposal)
    assert proposal.conflicts.get().person == expert
    assert not rules.can_review_proposal(expert, proposal)
    assert client.get(f"/proposals/{proposal.pk}/review/").status_code == 403


@pytest.mark.django_db
def test_conflict_page_explains_what_it_does(client, in_review, chair):
    response = as_user(client, chair).get(f"/proposals/{in_review.pk}/conflict/")

    assert response.status_code == 200
    assert "you take no part in its review and decisions" in response.content.decode()


@pytest.mark.django_db
def test_conflict_needs_a_reason(client, in_review, expert):
    before = snapshot(in_review)

    response = as_user(client, expert).post(f"/proposals/{in_review.pk}/conflict/", {"reason": ""})

    assert response.status_code == 200
    assert snapshot(in_review) == before


@pytest.mark.django_db
def test_conflict_declared_twice_is_refused(client, in_review, expert):
    transitions.proposal_declare_conflict(proposal_id=in_review.pk, by=expert, reason="Родство")
    before = snapshot(in_review)

    response = as_user(client, expert).post(
        f"/proposals/{in_review.pk}/conflict/", {"reason": "Ещё раз"}
    )

    assert response.status_code == 403
    assert snapshot(in_review) == before


@pytest.mark.django_db
def test_conflict_refused_to_the_author(client, in_review, author):
    before = snapshot(in_review)

    response = as_user(client, author).post(
        f"/proposals/{in_review.pk}/conflict/", {"reason": "Я автор"}
    )

    assert response.status_code == 403
    assert snapshot(in_review) == before


# --- Who may open each action page ---------------------------------------------------------
# page -> (the proposal's stage, the persona who may open it, a persona who sees the proposal
# but may not act: 403). An outsider gets 404 on every one of them.
PAGES = {
    "assign": ("submitted", "chair", "expert"),
    "review": ("in_review", "expert", "chair"),
    "decide": ("in_review", "chair", "expert"),
    "governance-decision": ("before_governance", "secretary", "governance_member"),
    "conflict": ("in_review", "expert", "author"),
}
PAGE_CASES = [
    (page, persona, status)
    for page, (_stage, allowed, refused) in PAGES.items()
    for persona, status in ((allowed, 200), (refused, 403), ("outsider", 404))
]


@pytest.mark.parametrize(
    ("page", "persona", "status"), PAGE_CASES, ids=[f"{p}-{u}" for p, u, _s in PAGE_CASES]
)
@pytest.mark.django_db
def test_action_page_access(client, request, page, persona, status):
    proposal = request.getfixturevalue(PAGES[page][0])

    response = as_user(client, request.getfixturevalue(persona)).get(
        f"/proposals/{proposal.pk}/{page}/"
    )

    assert response.status_code == status


@pytest.mark.parametrize(
    "page", ["assign", "review", "decide", "send-to-governance", "governance-decision", "conflict"]
)
@pytest.mark.django_db
def test_action_pages_need_login(client, page):
    response = client.get(f"/proposals/1/{page}/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_action_page_of_an_invisible_proposal_is_404_even_on_post(client, in_review, outsider):
    before = snapshot(in_review)

    response = as_user(client, outsider).post(
        f"/proposals/{in_review.pk}/decide/",
        {"decision": "reject", "reject-edition": in_review.edition, "reject-reason": "Нет"},
    )

    assert response.status_code == 404
    assert snapshot(in_review) == before


def test_decision_reference_date_is_written_the_russian_way():
    from documents.review_forms import GovernanceApprovalForm

    form = GovernanceApprovalForm(
        {"edition": 3, "number": "N 12", "date": "2026-03-01"}, proposal=Proposal(edition=3)
    )

    assert form.is_valid()
    assert form.reference() == "№ 12 от 01.03.2026"
    assert datetime.date(2026, 3, 1) == form.cleaned_data["date"]


# --- Conflicts of interest -----------------------------------------------------------------
@pytest.mark.django_db
def test_proposal_page_hides_the_reviews_from_a_chair_who_declared_a_conflict(
    client, in_review, chair, expert
):
    review(in_review, expert, comments="Секретное мнение эксперта.")
    transitions.proposal_declare_conflict(
        proposal_id=in_review.pk, by=chair, reason="Консультирую заявителя"
    )

    response = as_user(client, chair).get(f"/proposals/{in_review.pk}/")

    assert response.status_code == 200
    assert response.context["reviews"] is None
    assert "Секретное мнение эксперта." not in response.content.decode()
    assert [row["entry"].action for row in response.context["history"]] == [
        "created",
        "submitted",
        "experts_assigned",
    ]
    assert response.context["history"][-1]["comment"] == ""
    assert "decide" not in [action.name for action in response.context["actions"]]


@pytest.mark.django_db
def test_decide_page_passes_from_a_conflicted_chair_to_the_deputy(
    client, in_review, chair, author, cluster
):
    deputy = MembershipFactory(
        body=cluster["wg-pharma"], role=Membership.Role.DEPUTY_CHAIR, user__username="deputy"
    ).user
    chair.organisation = author.organisation
    chair.save()

    refused = as_user(client, chair).get(f"/proposals/{in_review.pk}/decide/")
    allowed = as_user(client, deputy).get(f"/proposals/{in_review.pk}/decide/")

    assert (refused.status_code, allowed.status_code) == (403, 200)
