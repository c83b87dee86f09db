"""The review dashboard's assignment of many proposals at once in the API
(/api/v1/review-dashboards/{group}/assignment/), as on its page: the suggestion read, the
assignment confirmed in one transaction by the group's chair or secretary, a stale edition or
a refused pair assigning nothing."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from directory.models import Membership
from documents import transitions
from documents.models import Assignment, Proposal
from tests.api.conftest import api_as
from tests.factories import CallFactory, MembershipFactory, draft_proposal
from workflow.models import AuditEntry, Notice

State = Proposal.State
Role = Membership.Role


@pytest.fixture
def group(cluster):
    return cluster["wg-pharma"]


@pytest.fixture
def experts(group, expert):
    """Four experts of wg-pharma, each of an organisation of their own, in name order."""
    more = [
        MembershipFactory(
            body=group, role=Role.EXPERT, user__username=f"expert-{n}", user__last_name=name
        ).user
        for n, name in enumerate(["Борисова", "Волков", "Голубева"], start=2)
    ]
    expert.last_name = "Алексеев"
    expert.save()
    return [expert, *more]


@pytest.fixture
def call(db):
    return CallFactory()


def submitted(author, call, title: str) -> Proposal:
    proposal = draft_proposal(author, call=call, title=title)
    return transitions.proposal_submit(proposal_id=proposal.pk, by=author)


def url(group) -> str:
    return f"/api/v1/review-dashboards/{group.code}/assignment/"


def confirm(client, group, pairs: dict, editions: dict | None = None):
    rows = [
        {
            "proposal": proposal.pk,
            "edition": (editions or {}).get(proposal.pk, proposal.edition),
            "experts": [e.username for e in people],
        }
        for proposal, people in pairs.items()
    ]
    return client.post(url(group), {"assignments": rows}, format="json")


@pytest.mark.django_db
def test_chair_reads_the_suggested_assignment(author, chair, experts, call, group):
    first = submitted(author, call, "Первая")

    response = api_as(chair).get(url(group), {"proposal": [first.pk, "junk"]})

    assert response.status_code == 200
    plan = response.json()
    assert plan["required_reviews"] == group.required_reviews
    [row] = plan["proposals"]
    assert row["proposal"] == {"id": first.pk, "title": "Первая", "edition": first.edition}
    suggested = [e.username for e in experts[: group.required_reviews]]
    assert [p["username"] for p in row["suggested"]] == suggested
    assert [p["username"] for p in row["candidates"]] == [e.username for e in experts]
    assert [load["expert"]["username"] for load in plan["loads"]] == [e.username for e in experts]


@pytest.mark.django_db
def test_chair_assigns_many_proposals_audited_and_notified(author, chair, experts, call, group):
    a, b, c, _d = experts
    first = submitted(author, call, "Первая")
    second = submitted(author, call, "Вторая")

    response = confirm(api_as(chair), group, {first: [a, b], second: [c]})

    assert response.status_code == 200
    assert [(row["id"], row["state"], row["experts"]) for row in response.json()] == [
        (first.pk, "wg_review", sorted([a.username, b.username])),
        (second.pk, "wg_review", [c.username]),
    ]
    assert set(Assignment.objects.values_list("proposal_id", "expert_id")) == {
        (first.pk, a.pk),
        (first.pk, b.pk),
        (second.pk, c.pk),
    }
    proposal_type = ContentType.objects.get_for_model(Proposal)
    audited = AuditEntry.objects.filter(content_type=proposal_type, action="experts_assigned")
    assert sorted(audited.values_list("object_id", flat=True)) == [first.pk, second.pk]
    asked = Notice.objects.filter(recipient__in=experts).values_list("recipient", "url")
    assert sorted(asked) == sorted(
        [
            (a.pk, reverse("documents:proposal-detail", args=[first.pk])),
            (b.pk, reverse("documents:proposal-detail", args=[first.pk])),
            (c.pk, reverse("documents:proposal-detail", args=[second.pk])),
        ]
    )


@pytest.mark.django_db
def test_a_stale_edition_is_409_and_assigns_nothing(author, chair, experts, call, group):
    a, b, c, _d = experts
    first = submitted(author, call, "Первая")
    second = submitted(author, call, "Вторая")
    seen = {first.pk: first.edition, second.pk: second.edition}
    transitions.proposal_assign_experts(proposal_id=second.pk, by=chair, experts=[c])
    notices = Notice.objects.count()

    response = confirm(api_as(chair), group, {first: [a], second: [b]}, editions=seen)

    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert list(Assignment.objects.values_list("proposal_id", "expert_id")) == [(second.pk, c.pk)]
    assert Proposal.objects.get(pk=first.pk).state == State.SUBMITTED
    assert Notice.objects.count() == notices


@pytest.mark.django_db
def test_a_conflict_that_appeared_meanwhile_is_409_naming_it(author, chair, experts, call, group):
    a, b, _c, _d = experts
    first = submitted(author, call, "Первая")
    second = submitted(author, call, "Вторая")
    transitions.proposal_declare_conflict(proposal_id=second.pk, by=b, reason="Консультирую")

    response = confirm(api_as(chair), group, {first: [a], second: [b]})

    assert response.status_code == 409
    assert response.json()["message"] == (
        f"Никто не назначен. «Вторая»: У эксперта {b.get_full_name()} конфликт интересов по "
        "этой заявке: проводить её экспертизу нельзя."
    )
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_an_expert_not_of_the_group_is_a_russian_error(author, chair, other_chair, call, group):
    first = submitted(author, call, "Первая")

    response = confirm(api_as(chair), group, {first: [other_chair]})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "__all__": [
            "Страница прислала заявку или эксперта, которых уже нельзя назначить; обновите её."
        ]
    }
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_an_assignment_without_experts_is_a_russian_error(author, chair, experts, call, group):
    first = submitted(author, call, "Первая")

    response = confirm(api_as(chair), group, {first: []})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "__all__": ["Отметьте хотя бы одного эксперта хотя бы для одной заявки."]
    }


@pytest.mark.django_db
def test_who_may_read_and_confirm_the_assignment(
    author, chair, other_chair, expert, office, outsider, call, group
):
    secretary = MembershipFactory(body=group, role=Role.SECRETARY).user
    deputy = MembershipFactory(body=group, role=Role.DEPUTY_CHAIR).user
    proposal = submitted(author, call, "Первая")

    def statuses(person):
        client = api_as(person)
        read = client.get(url(group), {"proposal": proposal.pk}).status_code
        fresh = Proposal.objects.get(pk=proposal.pk)
        return read, confirm(client, group, {fresh: [expert]}).status_code

    answers = {
        name: statuses(person)
        for name, person in [
            ("deputy", deputy),
            ("other_chair", other_chair),
            ("expert", expert),
            ("office", office),
            ("outsider", outsider),
            ("secretary", secretary),
        ]
    }

    forbidden = (403, 403)
    assert answers == {
        "deputy": forbidden,
        "other_chair": forbidden,
        "expert": forbidden,
        "office": forbidden,
        "outsider": forbidden,
        "secretary": (200, 200),
    }
    assert list(Assignment.objects.values_list("expert_id", flat=True)) == [expert.pk]


@pytest.mark.django_db
def test_a_body_that_is_not_a_working_group_is_not_found(chair, cluster):
    response = api_as(chair).get(url(cluster["council"]))

    assert response.status_code == 404
