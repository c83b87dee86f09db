"""The programme office moves a proposal to another sectoral working group and closes one as a
duplicate of another (documents/moves.py): what changes, who hears, what is refused and what
the pages and the API show. Who may do it in which state: tests/workflow/test_matrix.py."""

import pytest
from django.urls import reverse
from django.utils import translation

from directory.models import Body
from documents import moves
from documents.models import Proposal
from mbk.exceptions import ActionRefusedError
from tests.api.conftest import api_as
from tests.workflow.states import make_people, proposal_in
from workflow import audit
from workflow.models import Notice

State = Proposal.State


@pytest.fixture
def people(db):
    return make_people()


def _move(proposal, people, group="wg-ecology", reason="Проект об утилизации отходов"):
    return moves.proposal_move(
        proposal_id=proposal.pk,
        by=people["office"],
        group=Body.objects.get(code=group),
        reason=reason,
    )


def test_move_ends_the_old_assignments_and_the_old_reviews_no_longer_count(people):
    proposal = proposal_in(State.WG_REVIEW, people)
    reviews_before = proposal.reviews.count()

    moved = _move(proposal, people)

    assert moved.state == State.SUBMITTED
    assert moved.group.code == "wg-ecology"
    assert moved.direction_id == Body.objects.get(code="wg-ecology").direction_id
    assert moved.assignments.count() == 3
    assert moved.assignments.filter(ended_at=None).count() == 0
    assert moved.reviews.count() == reviews_before == 2
    assert moved.reviews.filter(round=moved.round).count() == 0


def test_move_revokes_the_old_group_and_experts_and_grants_the_new_group(people):
    proposal = proposal_in(State.WG_REVIEW, people)

    _move(proposal, people)

    proposal = Proposal.objects.get(pk=proposal.pk)
    assert not people["expert"].has_perm("documents.review_proposal", proposal)
    assert not people["chair"].has_perm("documents.view_proposal", proposal)
    assert people["other_chair"].has_perm("documents.view_proposal", proposal)
    assert people["office"].has_perm("documents.view_proposal", proposal)


def test_move_is_audited_with_from_and_to(people):
    proposal = proposal_in(State.REVISION_REQUESTED, people)

    _move(proposal, people)

    entry = audit.history(proposal).order_by("-sequence").first()
    assert entry.action == "moved"
    assert (entry.from_state, entry.to_state) == (State.REVISION_REQUESTED, State.SUBMITTED)
    with translation.override("ru"):
        names = [Body.objects.get(code=code).name for code in ("wg-pharma", "wg-ecology")]
    assert entry.comment == (
        f"Из рабочей группы «{names[0]}» в рабочую группу «{names[1]}».\n"
        "Проект об утилизации отходов"
    )


def test_move_notifies_both_groups_the_old_experts_and_the_authors(people):
    proposal = proposal_in(State.WG_REVIEW, people)
    Notice.objects.all().delete()

    _move(proposal, people)

    recipients = set(Notice.objects.values_list("recipient__username", flat=True))
    assert {"other-chair", "chair", "wg-secretary", "expert", "author", "coauthor"} <= recipients
    text = Notice.objects.get(recipient=people["other_chair"]).text
    assert text.startswith("Дирекция программы передала заявку «")


def test_move_after_which_the_new_group_assigns_its_own_experts_again(people):
    proposal = proposal_in(State.WG_REVIEW, people)
    _move(proposal, people, group="wg-ecology")

    moved_back = _move(proposal, people, group="wg-pharma", reason="Вернуть")

    assert moved_back.assignments.filter(ended_at=None).count() == 0
    assert moved_back.assignments.count() == 3


def test_move_to_the_same_group_is_refused_and_changes_nothing(people):
    proposal = proposal_in(State.SUBMITTED, people)
    edition = proposal.edition

    with pytest.raises(ActionRefusedError, match="Заявка уже находится в этой рабочей группе"):
        _move(proposal, people, group="wg-pharma")

    assert Proposal.objects.get(pk=proposal.pk).edition == edition


def test_move_to_an_infrastructure_group_is_refused(people):
    proposal = proposal_in(State.SUBMITTED, people)
    infrastructure = Body.objects.filter(kind=Body.Kind.INFRASTRUCTURE_GROUP).first()

    with pytest.raises(ActionRefusedError, match="только в отраслевую рабочую группу"):
        _move(proposal, people, group=infrastructure.code)


def test_move_without_a_reason_is_refused(people):
    proposal = proposal_in(State.SUBMITTED, people)

    with pytest.raises(ActionRefusedError, match="Укажите, почему заявка передаётся"):
        _move(proposal, people, reason="  ")


def test_move_page_lists_other_sectoral_groups_and_moves(client, people):
    proposal = proposal_in(State.SUBMITTED, people)
    client.force_login(people["office"])
    url = reverse("documents:proposal-move", args=[proposal.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "edition": proposal.edition,
            "group": Body.objects.get(code="wg-ecology").pk,
            "reason": "Профиль экологии",
        },
    )

    assert "Передать в другую рабочую группу" in page
    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).group.code == "wg-ecology"


def test_move_page_without_a_reason_is_a_field_error(client, people):
    proposal = proposal_in(State.SUBMITTED, people)
    client.force_login(people["office"])

    response = client.post(
        reverse("documents:proposal-move", args=[proposal.pk]),
        {"edition": proposal.edition, "group": Body.objects.get(code="wg-ecology").pk},
    )

    assert response.status_code == 200
    assert "Обязательное поле." in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).group.code == "wg-pharma"


def test_move_page_is_forbidden_to_the_chair(client, people):
    proposal = proposal_in(State.SUBMITTED, people)
    client.force_login(people["chair"])

    response = client.get(reverse("documents:proposal-move", args=[proposal.pk]))

    assert response.status_code == 403


def test_move_through_the_api(people):
    proposal = proposal_in(State.WG_REVIEW, people)

    response = api_as(people["office"]).post(
        f"/api/v1/proposals/{proposal.pk}/transitions/move_to_group/",
        {"edition": proposal.edition, "group": "wg-ecology", "comment": "Профиль"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.SUBMITTED
    assert Proposal.objects.get(pk=proposal.pk).group.code == "wg-ecology"


# --- Duplicates ---------------------------------------------------------------------------
def _pair(people):
    original = proposal_in(State.SUBMITTED, people, title="Оригинал")
    duplicate = proposal_in(State.SUBMITTED, people, title="Повтор", call=original.call)
    return original, duplicate


def _mark(duplicate, original_id, people, reason="Тот же проект"):
    return moves.proposal_mark_duplicate(
        proposal_id=duplicate.pk, by=people["office"], original_id=original_id, reason=reason
    )


def test_duplicate_closes_links_notifies_the_authors_and_is_audited(people):
    original, duplicate = _pair(people)
    Notice.objects.all().delete()

    closed = _mark(duplicate, original.pk, people)

    assert closed.state == State.DUPLICATE
    assert closed.get_state_display() == "закрыта как дубликат"
    assert closed.duplicate_of_id == original.pk
    assert list(original.duplicates.values_list("pk", flat=True)) == [duplicate.pk]
    entry = audit.history(closed).order_by("-sequence").first()
    assert entry.action == "marked_duplicate"
    assert entry.comment == f"Дубликат заявки № {original.pk}.\nТот же проект"
    assert Notice.objects.get(recipient=people["author"]).text == (
        f"Заявка «Повтор» закрыта как дубликат заявки № {original.pk}."
    )


def test_duplicate_of_itself_is_refused(people):
    _original, duplicate = _pair(people)

    with pytest.raises(ActionRefusedError, match="дубликатом самой себя"):
        _mark(duplicate, duplicate.pk, people)

    assert Proposal.objects.get(pk=duplicate.pk).state == State.SUBMITTED


def test_duplicate_of_another_call_is_refused(people):
    _original, duplicate = _pair(people)
    elsewhere = proposal_in(State.SUBMITTED, people, title="Другой приём")

    with pytest.raises(ActionRefusedError, match="нет поданной заявки"):
        _mark(duplicate, elsewhere.pk, people)


def test_duplicate_of_a_duplicate_is_refused(people):
    original, duplicate = _pair(people)
    third = proposal_in(State.SUBMITTED, people, title="Третья", call=original.call)
    _mark(duplicate, original.pk, people)

    with pytest.raises(ActionRefusedError, match="сама закрыта как дубликат"):
        _mark(third, duplicate.pk, people)

    assert Proposal.objects.get(pk=third.pk).state == State.SUBMITTED


def test_duplicate_pages_link_to_each_other(client, people):
    original, duplicate = _pair(people)
    _mark(duplicate, original.pk, people)
    client.force_login(people["office"])

    duplicate_page = client.get(reverse("documents:proposal-detail", args=[duplicate.pk]))
    original_page = client.get(reverse("documents:proposal-detail", args=[original.pk]))

    assert "Закрыта как дубликат" in duplicate_page.content.decode()
    assert (
        f'Дубликат заявки <a href="/proposals/{original.pk}/">№&nbsp;{original.pk}</a>'
        in duplicate_page.content.decode()
    )
    assert (
        f'Дубликаты: <a href="/proposals/{duplicate.pk}/">№&nbsp;{duplicate.pk}</a>'
        in original_page.content.decode()
    )


def test_duplicate_page_with_an_unknown_original_is_a_field_error(client, people):
    _original, duplicate = _pair(people)
    client.force_login(people["office"])

    response = client.post(
        reverse("documents:proposal-duplicate", args=[duplicate.pk]),
        {"edition": duplicate.edition, "original": 999999, "reason": "Повтор"},
    )

    assert response.status_code == 200
    assert "В том же приёме заявок нет поданной заявки с этим номером." in (
        response.content.decode()
    )
    assert Proposal.objects.get(pk=duplicate.pk).state == State.SUBMITTED


def test_duplicate_through_the_api(people):
    original, duplicate = _pair(people)

    response = api_as(people["office"]).post(
        f"/api/v1/proposals/{duplicate.pk}/transitions/mark_duplicate/",
        {"edition": duplicate.edition, "original": original.pk, "comment": "Повтор"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.DUPLICATE
