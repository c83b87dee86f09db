"""The discussion of a proposal: who reads and writes it, escaped text, mentions, the writer's
15 minutes to change an entry (then 409), the earlier texts kept, the API, constant queries."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from directory.models import Membership
from documents import discussion, transitions
from documents.models import DiscussionEntry, DiscussionEntryEdit
from documents.views.discussion import discussion_context
from mbk.exceptions import StaleObjectError
from tests.api.conftest import api_as
from tests.factories import MembershipFactory, draft_proposal
from workflow import audit
from workflow.models import Notice

SCORES = {"relevance": 5, "science": 4, "market": 4, "feasibility": 3, "team": 5}


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "ru"
    return client


@pytest.fixture
def in_review(author, chair, expert, office, governance_member, secretary):
    proposal = draft_proposal(author)
    transitions.proposal_submit(proposal_id=proposal.pk, by=author)
    return transitions.proposal_assign_experts(proposal_id=proposal.pk, by=chair, experts=[expert])


def post(proposal, by, text):
    return discussion.discussion_post(proposal_id=proposal.pk, by=by, text=text)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("expert", 302),
        ("chair", 302),
        ("office", 302),
        ("author", 403),
        ("governance_member", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.django_db
def test_discussion_post_in_group_review(client, in_review, persona, expected, request):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(f"/proposals/{in_review.pk}/discussion/", {"text": "Вопрос"})

    assert response.status_code == expected
    assert DiscussionEntry.objects.count() == (1 if expected == 302 else 0)


@pytest.mark.django_db
def test_discussion_is_open_to_the_governance_body_from_its_stage(
    in_review, chair, expert, office, governance_member
):
    transitions.proposal_review(
        proposal_id=in_review.pk, by=expert, scores=SCORES, recommendation="approve", comments="Да"
    )
    second = MembershipFactory(
        body=in_review.group, role=Membership.Role.EXPERT, user__username="expert2"
    ).user
    transitions.proposal_assign_experts(proposal_id=in_review.pk, by=chair, experts=[second])
    transitions.proposal_review(
        proposal_id=in_review.pk, by=second, scores=SCORES, recommendation="approve", comments="Да"
    )
    assert not discussion.rules.can_discuss(governance_member, in_review)
    transitions.proposal_approve_in_group(proposal_id=in_review.pk, by=chair)
    transitions.proposal_send_to_governance(proposal_id=in_review.pk, by=office)

    entry = post(in_review, governance_member, "Мнение совета").entry

    assert entry.author == governance_member


@pytest.mark.django_db
def test_discussion_refuses_a_person_with_a_conflict(in_review, expert):
    transitions.proposal_declare_conflict(
        proposal_id=in_review.pk, by=expert, reason="Консультирую"
    )

    with pytest.raises(discussion.PermissionDenied):
        post(in_review, expert, "Вопрос")


@pytest.mark.django_db
def test_discussion_text_is_escaped_with_line_breaks(client, in_review, chair):
    post(in_review, chair, "<script>alert(1)</script>\nвторая строка")
    client.force_login(chair)

    html = client.get(f"/proposals/{in_review.pk}/").content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>вторая строка" in html


@pytest.mark.django_db
def test_discussion_block_is_not_shown_to_the_author(client, in_review, chair, author):
    post(in_review, chair, "Внутреннее замечание")
    client.force_login(author)

    html = client.get(f"/proposals/{in_review.pk}/").content.decode()

    assert "Внутреннее замечание" not in html
    assert 'id="discussion"' not in html


@pytest.mark.django_db
def test_discussion_post_is_audited_on_the_entry(in_review, chair):
    entry = post(in_review, chair, "Запись").entry

    record = audit.history(entry).get()
    assert (record.action, record.actor, record.comment) == ("discussion_posted", chair, "Запись")
    assert not audit.history(in_review).filter(action__startswith="discussion").exists()


@pytest.mark.django_db
def test_discussion_mentions_notify_readers_and_name_the_others(in_review, chair, expert, author):
    Notice.objects.all().delete()

    posted = post(in_review, chair, "Прошу @expert посмотреть; @author и @nobody, почта a@expert")

    assert list(Notice.objects.values_list("recipient__username", flat=True)) == ["expert"]
    assert posted.not_notified == ["author", "nobody"]


@pytest.mark.django_db
def test_discussion_page_tells_the_writer_who_was_not_notified(client, in_review, chair, author):
    client.force_login(chair)

    response = client.post(
        f"/proposals/{in_review.pk}/discussion/",
        {"text": "@author смотрите"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "Не уведомлены (нет доступа к обсуждению или нет такого логина): @author." in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_discussion_edit_keeps_the_earlier_text(in_review, chair):
    entry = post(in_review, chair, "Первый текст").entry

    edited = discussion.discussion_edit(entry_id=entry.pk, by=chair, text="Второй", seen_edition=0)

    assert (edited.entry.text, edited.entry.edition) == ("Второй", 1)
    assert list(DiscussionEntryEdit.objects.values_list("text", flat=True)) == ["Первый текст"]
    assert [r.action for r in audit.history(entry)] == ["discussion_posted", "discussion_edited"]


@pytest.mark.django_db
def test_discussion_edit_from_a_stale_form_is_refused(in_review, chair):
    entry = post(in_review, chair, "Первый").entry
    discussion.discussion_edit(entry_id=entry.pk, by=chair, text="Второй", seen_edition=0)

    with pytest.raises(StaleObjectError):
        discussion.discussion_edit(entry_id=entry.pk, by=chair, text="Третий", seen_edition=0)


@pytest.mark.django_db
def test_discussion_edit_by_another_person_is_forbidden(client, in_review, chair, expert):
    entry = post(in_review, chair, "Текст").entry
    client.force_login(expert)

    response = client.post(
        f"/proposals/{in_review.pk}/discussion/{entry.pk}/edit/", {"text": "Чужое", "edition": 0}
    )

    assert response.status_code == 403
    assert DiscussionEntry.objects.get().text == "Текст"


@pytest.mark.django_db
def test_discussion_edit_after_15_minutes_is_409_in_russian(client, in_review, chair):
    entry = post(in_review, chair, "Текст").entry
    DiscussionEntry.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    client.force_login(chair)

    response = client.post(
        f"/proposals/{in_review.pk}/discussion/{entry.pk}/edit/", {"text": "Новое", "edition": 0}
    )

    assert response.status_code == 409
    assert "Запись можно изменить в течение 15 минут после её создания" in (
        response.content.decode()
    )
    assert DiscussionEntry.objects.get().text == "Текст"


@pytest.mark.django_db
def test_discussion_empty_entry_is_a_field_error_in_russian(client, in_review, chair):
    client.force_login(chair)

    response = client.post(
        f"/proposals/{in_review.pk}/discussion/", {"text": "  "}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "Введите текст записи." in response.content.decode()
    assert DiscussionEntry.objects.count() == 0


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.django_db
def test_discussion_block_queries_are_constant(in_review, chair, expert, rows):
    for n in range(rows):
        entry = post(in_review, expert if n % 2 else chair, f"Запись {n}").entry
        DiscussionEntryEdit.objects.create(entry=entry, text=f"Было {n}")
    person = User.objects.get(pk=chair.pk)  # a fresh request's user: no roles read yet

    with CaptureQueriesContext(connection) as queries:
        html = render_to_string(
            "documents/_discussion.html",
            {"proposal": in_review, **discussion_context(person, in_review)},
        )

    assert html.count('data-testid="discussion-entry"') == rows
    assert html.count('data-testid="discussion-earlier"') == rows
    assert len(queries) == 6


@pytest.mark.django_db
def test_api_discussion_list_create_edit(in_review, chair, expert, author):
    url = f"/api/v1/proposals/{in_review.pk}/discussion/"

    created = api_as(chair).post(url, {"text": "Вопрос к @expert"}, format="json")
    entry_id = created.json()["entry"]["id"]
    edited = api_as(chair).patch(
        f"{url}{entry_id}/", {"text": "Уточнённый вопрос", "edition": 0}, format="json"
    )
    stale = api_as(chair).patch(f"{url}{entry_id}/", {"text": "Ещё", "edition": 0}, format="json")
    other = api_as(expert).patch(f"{url}{entry_id}/", {"text": "Моё", "edition": 1}, format="json")
    listed = api_as(expert).get(url)
    refused = api_as(author).get(url)

    assert created.status_code == 201
    assert created.json()["not_notified"] == []
    assert edited.status_code == 200
    assert stale.status_code == 409
    assert other.status_code == 403
    assert [(e["text"], [t["text"] for t in e["earlier"]]) for e in listed.json()] == [
        ("Уточнённый вопрос", ["Вопрос к @expert"])
    ]
    assert refused.status_code == 403
