"""The authors' pages and the proposal's page: who may open them, what each POST changes, and
that a refused or invalid POST changes nothing."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Direction, Organisation
from documents import transitions
from documents.content import snapshot
from documents.models import Proposal
from documents.services import proposal_set_coauthors, remarks_answer
from tests.factories import CallFactory, UserFactory, draft_proposal
from workflow import audit

State = Proposal.State
SCORES = {"relevance": 5, "science": 4, "market": 4, "feasibility": 3, "team": 5}


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def draft(author, cluster):
    return draft_proposal(author)


@pytest.fixture
def submitted(draft, author, chair):
    return transitions.proposal_submit(proposal_id=draft.pk, by=author)


@pytest.fixture
def in_review(submitted, chair, expert):
    return transitions.proposal_assign_experts(proposal_id=submitted.pk, by=chair, experts=[expert])


@pytest.fixture
def revision_requested(in_review, chair):
    return transitions.proposal_request_revision(
        proposal_id=in_review.pk, by=chair, remarks=["Уточните бюджет.", "Добавьте партнёров."]
    )


def as_user(client, user):
    client.force_login(user)
    return client


def fresh(proposal) -> Proposal:
    return Proposal.objects.get(pk=proposal.pk)


def unchanged(proposal) -> tuple:
    """What a refused or invalid POST must leave as it was."""
    proposal = fresh(proposal)
    return (proposal.state, proposal.edition, snapshot(proposal), audit.history(proposal).count())


def edit_data(client, proposal, **changes) -> dict:
    """The edit page's form as the browser would send it back, with `changes` applied."""
    edit = client.get(f"/proposals/{proposal.pk}/edit/").context["edit"]
    forms = [edit.main]
    for section in edit.sections:
        forms += [section.formset.management_form, *section.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = (
                [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
            )
    return {**data, **changes}


# --- My proposals --------------------------------------------------------------------------
@pytest.mark.django_db
def test_my_proposals_lists_own_and_coauthored_only(
    client, author, coauthor, other_author, cluster
):
    own = draft_proposal(author, title="Своя заявка")
    shared = draft_proposal(coauthor, title="Заявка коллеги")
    proposal_set_coauthors(proposal_id=shared.pk, by=coauthor, coauthors=[author])
    draft_proposal(other_author, title="Чужая заявка")

    response = as_user(client, author).get("/proposals/mine/")

    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["proposals"]) == [shared, own]
    assert "Заявка коллеги" in html
    assert "Чужая заявка" not in html


def page_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


# --- The proposal's page -------------------------------------------------------------------
@pytest.mark.django_db
def test_detail_renders_for_the_author(client, draft, author):
    response = as_user(client, author).get(f"/proposals/{draft.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Биоаналоги антител" in html
    assert "Производство биоаналогов моноклональных антител." in html
    assert 'data-testid="budget-total">3,500,000<' in html
    assert [a.name for a in response.context["actions"]] == [
        "edit",
        "coauthors",
        "submit",
        "withdraw",
    ]
    assert f'href="/proposals/{draft.pk}/submit/"' in html


@pytest.mark.parametrize("persona", ["outsider", "other_author", "chair", "office"])
@pytest.mark.django_db
def test_detail_is_404_on_a_draft_for(client, request, draft, persona):
    response = as_user(client, request.getfixturevalue(persona)).get(f"/proposals/{draft.pk}/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_detail_is_404_for_a_proposal_that_does_not_exist(client, author, cluster):
    response = as_user(client, author).get("/proposals/999999/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_detail_asks_anonymous_to_log_in(client, draft):
    response = client.get(f"/proposals/{draft.pk}/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.django_db
def test_pages_render_in_both_languages(client, language, revision_requested, author, chair):
    client.cookies["django_language"] = language
    pk = revision_requested.pk
    pages = [
        "/proposals/mine/",
        f"/proposals/{pk}/",
        f"/proposals/{pk}/edit/",
        f"/proposals/{pk}/coauthors/",
        f"/proposals/{pk}/answers/",
        f"/proposals/{pk}/submit/",
        f"/proposals/{pk}/withdraw/",
        f"/proposals/{pk}/versions/1/",
        f"/proposals/{pk}/diff/",
        "/calls/",
        f"/calls/{revision_requested.call_id}/",
    ]

    responses = {page: as_user(client, author).get(page) for page in pages}

    assert {page: r.status_code for page, r in responses.items()} == dict.fromkeys(pages, 200)
    for response in responses.values():
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        assert re.findall(r"\sstyle=", html) == []
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
        assert re.findall(r"\son[a-z]+=", html) == []


@pytest.mark.django_db
def test_detail_hides_reviews_and_reviewers_from_the_author(
    client, in_review, author, chair, expert
):
    transitions.proposal_review(
        proposal_id=in_review.pk,
        by=expert,
        scores=SCORES,
        recommendation="approve",
        comments="Сильная команда, реалистичный план.",
    )

    for_author = as_user(client, author).get(f"/proposals/{in_review.pk}/")
    for_chair = as_user(client, chair).get(f"/proposals/{in_review.pk}/")

    author_html, chair_html = for_author.content.decode(), for_chair.content.decode()
    author_history = {h["entry"].action: h for h in for_author.context["history"]}
    chair_history = {h["entry"].action: h for h in for_chair.context["history"]}
    assert for_author.context["reviews"] is None
    assert "Сильная команда" not in author_html
    assert 'data-testid="reviews"' not in author_html
    assert list(author_history) == ["created", "submitted", "experts_assigned"]
    assert author_history["experts_assigned"]["comment"] == ""
    assert "Сильная команда" in chair_html
    assert 'data-testid="review"' in chair_html
    assert list(chair_history) == ["created", "submitted", "experts_assigned", "reviewed"]
    assert chair_history["experts_assigned"]["comment"] == expert.get_full_name()


@pytest.mark.django_db
def test_detail_shows_history_with_state_labels(client, submitted, author):
    response = as_user(client, author).get(f"/proposals/{submitted.pk}/")

    history = response.context["history"]
    assert [(h["entry"].action, str(h["action"])) for h in history] == [
        ("created", "Draft created"),
        ("submitted", "Submitted"),
    ]
    assert (str(history[1]["from_state"]), str(history[1]["to_state"])) == (
        "draft",
        "submitted",
    )


@pytest.mark.django_db
def test_detail_shows_the_submitted_version_to_the_group_during_revision(
    client, revision_requested, author, chair
):
    edit = as_user(client, author)
    edit.post(
        f"/proposals/{revision_requested.pk}/edit/",
        edit_data(edit, revision_requested, summary="Новая редакция резюме."),
    )

    for_chair = as_user(client, chair).get(f"/proposals/{revision_requested.pk}/")
    for_author = as_user(client, author).get(f"/proposals/{revision_requested.pk}/")

    assert for_chair.context["shown_version"].number == 1
    assert "Новая редакция резюме." not in for_chair.content.decode()
    assert for_author.context["shown_version"] is None
    assert "Новая редакция резюме." in for_author.content.decode()


# --- Creation ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_create_makes_a_draft_and_opens_its_edit_page(client, author, cluster):
    call = CallFactory()
    pharma = call.directions.get(code="pharma")

    response = as_user(client, author).post(
        f"/calls/{call.pk}/proposals/new/", {"title": "  Вакцины  ", "direction": pharma.pk}
    )

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response.url == f"/proposals/{proposal.pk}/edit/"
    assert (proposal.title, proposal.direction, proposal.author) == ("Вакцины", pharma, author)
    assert proposal.state == State.DRAFT


@pytest.mark.django_db
def test_create_refuses_a_direction_the_call_does_not_cover(client, author, cluster):
    call = CallFactory(directions=[Direction.objects.get(code="pharma")])
    ecology = Direction.objects.get(code="ecology")

    response = as_user(client, author).post(
        f"/calls/{call.pk}/proposals/new/", {"title": "Очистка стоков", "direction": ecology.pk}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["direction"]
    assert Proposal.objects.count() == 0


@pytest.mark.django_db
def test_create_is_403_for_a_person_without_an_organisation(client, outsider, cluster):
    call = CallFactory()

    response = as_user(client, outsider).get(f"/calls/{call.pk}/proposals/new/")

    assert response.status_code == 403


@pytest.mark.django_db
def test_unconfirmed_organisation_drafts_but_submission_waits_with_the_reason(
    client, author, cluster
):
    Organisation.objects.filter(pk=author.organisation_id).update(
        status=Organisation.Status.PROPOSED
    )
    call = CallFactory()
    pharma = call.directions.get(code="pharma")
    as_user(client, author).post(
        f"/calls/{call.pk}/proposals/new/", {"title": "Вакцины", "direction": pharma.pk}
    )
    proposal = Proposal.objects.get()
    complete = draft_proposal(author, call=call)

    refused = client.post(f"/proposals/{complete.pk}/submit/", {"edition": complete.edition})

    assert proposal.state == State.DRAFT
    assert refused.status_code == 409
    assert "confirm" in refused.content.decode()
    assert Proposal.objects.get(pk=complete.pk).state == State.DRAFT


# --- Editing -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_edit_saves_the_content_and_the_child_rows(client, draft, author):
    client = as_user(client, author)
    data = edit_data(
        client,
        draft,
        title="Биоаналоги антител, 2-я редакция",
        readiness_level="6",
        **{
            "budget-2-year": "2028",
            "budget-2-source": "federal",
            "budget-2-amount": "750000",
            "indicators-0-target_2028": "",
            "milestones-1-DELETE": "on",
        },
    )

    response = client.post(f"/proposals/{draft.pk}/edit/", data)

    proposal = fresh(draft)
    assert response.status_code == 302
    assert response.url == f"/proposals/{draft.pk}/edit/"
    assert (proposal.title, proposal.readiness_level) == ("Биоаналоги антител, 2-я редакция", 6)
    assert list(proposal.budget_lines.values_list("year", "source", "amount")) == [
        (2027, "own", Decimal("1000000.00")),
        (2028, "federal", Decimal("750000.00")),
        (2029, "city", Decimal("2500000.00")),
    ]
    assert proposal.indicators.get().targets == {"2027": "10", "2029": "30"}
    assert list(proposal.milestones.values_list("name", flat=True)) == ["Пилотная партия"]
    assert proposal.edition == draft.edition + 1


@pytest.mark.django_db
def test_edit_save_and_close_goes_to_the_proposals_page(client, draft, author):
    client = as_user(client, author)

    response = client.post(f"/proposals/{draft.pk}/edit/", edit_data(client, draft, close="1"))

    assert response.url == f"/proposals/{draft.pk}/"


@pytest.mark.django_db
def test_edit_with_a_stale_revision_is_409_and_changes_nothing(client, draft, author, coauthor):
    client = as_user(client, author)
    stale = edit_data(client, draft, title="Моя правка")
    proposal_set_coauthors(proposal_id=draft.pk, by=author, coauthors=[coauthor])
    before = unchanged(draft)

    response = client.post(f"/proposals/{draft.pk}/edit/", stale)

    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this proposal while you were editing it" in html
    assert "Моя правка" in html
    assert response.context["edit"].main["edition"].value() == str(fresh(draft).edition)
    assert unchanged(draft) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"budget-0-amount": "-5"}, "amount"),
        ({"budget-0-amount": "0"}, "amount"),
        ({"budget-0-year": "2031"}, "year"),
        ({"readiness_level": "10"}, "readiness_level"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"milestones-0-due_on": "31.02.2027"}, "due_on"),
    ],
)
@pytest.mark.django_db
def test_edit_with_invalid_input_shows_the_field_error_and_changes_nothing(
    client, draft, author, changes, field
):
    client = as_user(client, author)
    data = edit_data(client, draft, **changes)
    before = unchanged(draft)

    response = client.post(f"/proposals/{draft.pk}/edit/", data)

    edit = response.context["edit"]
    errors = [edit.main.errors] + [f.errors for s in edit.sections for f in s.formset.forms]
    assert response.status_code == 200
    assert [list(e) for e in errors if e] == [[field]]
    assert 'data-testid="form-errors"' in response.content.decode()
    assert unchanged(draft) == before


@pytest.mark.django_db
def test_edit_refuses_two_budget_lines_for_one_year_and_source(client, draft, author):
    client = as_user(client, author)
    data = edit_data(
        client,
        draft,
        **{"budget-2-year": "2027", "budget-2-source": "own", "budget-2-amount": "5"},
    )
    before = unchanged(draft)

    response = client.post(f"/proposals/{draft.pk}/edit/", data)

    assert response.status_code == 200
    assert response.context["edit"].budget.non_form_errors() == [
        "Each year and source has one budget line: merge the repeated ones."
    ]
    assert unchanged(draft) == before


@pytest.mark.django_db
def test_edit_offers_only_the_calls_years_and_directions(client, draft, author):
    response = as_user(client, author).get(f"/proposals/{draft.pk}/edit/")

    edit = response.context["edit"]
    assert [c[0] for c in edit.budget.forms[0].fields["year"].choices] == ["", 2027, 2028, 2029]
    assert [f.label for f in edit.indicators.forms[0].visible_fields()][3:6] == [
        "2027",
        "2028",
        "2029",
    ]
    assert set(edit.main.fields["direction"].queryset) == set(draft.call.directions.all())
    assert len(edit.budget.forms) == 4  # two lines and two empty rows to add more


@pytest.mark.django_db
def test_edit_keeps_the_direction_once_submitted(client, revision_requested, author):
    response = as_user(client, author).get(f"/proposals/{revision_requested.pk}/edit/")

    assert "direction" not in response.context["edit"].main.fields


@pytest.mark.parametrize("persona", ["author", "chair", "expert"])
@pytest.mark.django_db
def test_edit_in_review_is_403_for(client, request, in_review, persona):
    before = unchanged(in_review)

    page = as_user(client, request.getfixturevalue(persona)).get(f"/proposals/{in_review.pk}/edit/")
    post = client.post(f"/proposals/{in_review.pk}/edit/", {"title": "Чужая правка"})

    assert (page.status_code, post.status_code) == (403, 403)
    assert unchanged(in_review) == before


@pytest.mark.django_db
def test_edit_is_open_to_a_coauthor_of_a_draft(client, draft, author, coauthor):
    proposal_set_coauthors(proposal_id=draft.pk, by=author, coauthors=[coauthor])
    client = as_user(client, coauthor)

    response = client.post(
        f"/proposals/{draft.pk}/edit/", edit_data(client, draft, title="Правка соавтора")
    )

    assert response.status_code == 302
    assert fresh(draft).title == "Правка соавтора"


@pytest.mark.parametrize("persona", ["outsider", "other_author"])
@pytest.mark.django_db
def test_edit_is_404_for(client, request, draft, persona):
    response = as_user(client, request.getfixturevalue(persona)).get(f"/proposals/{draft.pk}/edit/")

    assert response.status_code == 404


# --- Co-authors ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_coauthors_are_chosen_among_active_colleagues(
    client, draft, author, coauthor, organisation
):
    UserFactory(username="former", organisation=organisation, is_active=False)

    response = as_user(client, author).get(f"/proposals/{draft.pk}/coauthors/")

    assert list(response.context["form"].fields["coauthors"].queryset) == [coauthor]


@pytest.mark.django_db
def test_coauthors_saved_share_the_draft(client, draft, author, coauthor):
    response = as_user(client, author).post(
        f"/proposals/{draft.pk}/coauthors/",
        {"coauthors": [coauthor.pk], "edition": draft.edition},
    )

    assert response.status_code == 302
    assert list(fresh(draft).coauthors.all()) == [coauthor]
    assert as_user(client, coauthor).get(f"/proposals/{draft.pk}/").status_code == 200


@pytest.mark.django_db
def test_coauthors_of_another_organisation_are_refused(client, draft, author, other_author):
    before = unchanged(draft)

    response = as_user(client, author).post(
        f"/proposals/{draft.pk}/coauthors/",
        {"coauthors": [other_author.pk], "edition": draft.edition},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["coauthors"]
    assert list(fresh(draft).coauthors.all()) == []
    assert unchanged(draft) == before


@pytest.mark.django_db
def test_coauthors_page_is_403_for_a_coauthor(client, draft, author, coauthor):
    proposal_set_coauthors(proposal_id=draft.pk, by=author, coauthors=[coauthor])

    response = as_user(client, coauthor).get(f"/proposals/{draft.pk}/coauthors/")

    assert response.status_code == 403


# --- Submission and withdrawal -------------------------------------------------------------
@pytest.mark.django_db
def test_submit_page_lists_what_is_missing(client, author, cluster):
    proposal = draft_proposal(author, summary="", readiness_level=None)

    response = as_user(client, author).get(f"/proposals/{proposal.pk}/submit/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["problems"] == [
        "Fill in “summary”.",
        "Fill in “technology readiness level”.",
    ]
    assert 'data-testid="problems"' in html
    assert "disabled" in html.split('data-testid="problems"', 1)[1]


@pytest.mark.django_db
def test_submit_page_lists_the_problems_in_russian(client, author, cluster):
    client.cookies["django_language"] = "ru"
    proposal = draft_proposal(author, summary="")

    response = as_user(client, author).get(f"/proposals/{proposal.pk}/submit/")

    assert response.context["problems"] == ["Заполните поле «краткое описание»."]


@pytest.mark.django_db
def test_submit_incomplete_is_409_with_the_problems_and_changes_nothing(client, author, cluster):
    proposal = draft_proposal(author, summary="")
    before = unchanged(proposal)

    response = as_user(client, author).post(
        f"/proposals/{proposal.pk}/submit/", {"edition": proposal.edition}
    )

    assert response.status_code == 409
    assert response.context["problems"] == ["Fill in “summary”."]
    assert unchanged(proposal) == before
    assert proposal.versions.count() == 0


@pytest.mark.django_db
def test_submit_freezes_version_1_and_goes_to_the_group(client, draft, author, chair):
    response = as_user(client, author).post(
        f"/proposals/{draft.pk}/submit/", {"edition": draft.edition}
    )

    proposal = fresh(draft)
    assert response.status_code == 302
    assert response.url == f"/proposals/{draft.pk}/"
    assert (proposal.state, proposal.round) == (State.SUBMITTED, 1)
    assert list(proposal.versions.values_list("number", flat=True)) == [1]
    assert as_user(client, chair).get(f"/proposals/{draft.pk}/").status_code == 200


@pytest.mark.django_db
def test_submit_with_a_stale_page_is_409(client, draft, author):
    before = unchanged(draft)

    response = as_user(client, author).post(
        f"/proposals/{draft.pk}/submit/", {"edition": draft.edition - 1}
    )

    assert response.status_code == 409
    assert unchanged(draft) == before


@pytest.mark.django_db
def test_submit_page_is_403_once_submitted(client, submitted, author):
    response = as_user(client, author).get(f"/proposals/{submitted.pk}/submit/")

    assert response.status_code == 403


@pytest.mark.django_db
def test_withdraw_records_the_reason(client, submitted, author):
    response = as_user(client, author).post(
        f"/proposals/{submitted.pk}/withdraw/",
        {"reason": "Проект перенесён.", "edition": submitted.edition},
    )

    proposal = fresh(submitted)
    assert response.status_code == 302
    assert proposal.state == State.WITHDRAWN
    assert audit.history(proposal).last().comment == "Проект перенесён."


@pytest.mark.django_db
def test_withdraw_is_403_for_a_coauthor(client, draft, author, coauthor):
    proposal_set_coauthors(proposal_id=draft.pk, by=author, coauthors=[coauthor])
    before = unchanged(draft)

    page = as_user(client, coauthor).get(f"/proposals/{draft.pk}/withdraw/")
    post = client.post(f"/proposals/{draft.pk}/withdraw/", {"edition": fresh(draft).edition})

    assert (page.status_code, post.status_code) == (403, 403)
    assert unchanged(draft) == before


# --- Remarks, versions and their differences -----------------------------------------------
@pytest.mark.django_db
def test_remarks_answer_saves_each_answer(client, revision_requested, author):
    first, second = revision_requested.remarks.order_by("number")

    response = as_user(client, author).post(
        f"/proposals/{revision_requested.pk}/answers/",
        {
            f"answer_{first.pk}": "Бюджет уточнён по годам.",
            f"answer_{second.pk}": "",
            "edition": revision_requested.edition,
        },
    )

    assert response.status_code == 302
    assert list(revision_requested.remarks.values_list("answer", flat=True)) == [
        "Бюджет уточнён по годам.",
        "",
    ]


@pytest.mark.django_db
def test_remarks_answer_is_403_for_the_chair(client, revision_requested, chair):
    response = as_user(client, chair).get(f"/proposals/{revision_requested.pk}/answers/")

    assert response.status_code == 403


def resubmit_with_title(client, proposal, author, title) -> Proposal:
    client = as_user(client, author)
    client.post(f"/proposals/{proposal.pk}/edit/", edit_data(client, proposal, title=title))
    answers = {remark.pk: "Исправлено." for remark in proposal.remarks.all()}
    remarks_answer(proposal_id=proposal.pk, by=author, answers=answers)
    return transitions.proposal_submit(proposal_id=proposal.pk, by=author)


@pytest.mark.django_db
def test_diff_shows_the_changed_title_between_the_rounds(client, revision_requested, author, chair):
    resubmit_with_title(client, revision_requested, author, "Биоаналоги антител и вакцины")

    response = as_user(client, chair).get(f"/proposals/{revision_requested.pk}/diff/")

    html = response.content.decode()
    changes = response.context["changes"]
    assert response.status_code == 200
    assert (response.context["before"].number, response.context["after"].number) == (1, 2)
    assert [c.label for c in changes] == ["title"]
    assert changes[0].lines == [
        "@@ -1 +1 @@",
        "-Биоаналоги антител",
        "+Биоаналоги антител и вакцины",
    ]
    assert '<span class="diff-line diff-del">-Биоаналоги антител</span>' in html
    assert '<span class="diff-line diff-add">+Биоаналоги антител и вакцины</span>' in html
    assert re.findall(r'<option value="(\d)" selected>', html) == ["1", "2"]


@pytest.mark.django_db
def test_diff_of_a_single_version_says_there_is_nothing_to_compare(client, submitted, author):
    response = as_user(client, author).get(f"/proposals/{submitted.pk}/diff/")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "There is only one version so far: nothing to compare it with."
    ]


@pytest.mark.django_db
def test_diff_refuses_an_unknown_version(client, revision_requested, author):
    resubmit_with_title(client, revision_requested, author, "Новое название")

    response = client.get(f"/proposals/{revision_requested.pk}/diff/?a=1&b=7")

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["b"]


@pytest.mark.django_db
def test_version_page_shows_the_frozen_content(client, revision_requested, author, chair):
    resubmit_with_title(client, revision_requested, author, "Новое название")

    response = as_user(client, chair).get(f"/proposals/{revision_requested.pk}/versions/1/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h3 mb-1">Биоаналоги антител</h1>' in html
    assert response.context["version"].sha256 in html


@pytest.mark.django_db
def test_version_that_does_not_exist_is_404(client, submitted, author):
    response = as_user(client, author).get(f"/proposals/{submitted.pk}/versions/5/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_version_of_an_invisible_proposal_is_404(client, submitted, other_author):
    response = as_user(client, other_author).get(f"/proposals/{submitted.pk}/versions/1/")

    assert response.status_code == 404


# --- Dates ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_milestones_are_shown_with_russian_dates(client, draft, author):
    response = as_user(client, author).get(f"/proposals/{draft.pk}/")

    assert response.context["milestones"][0] == {
        "name": "Пилотная партия",
        "due_on": datetime.date(2027, 6, 30),
    }
    assert "30.06.2027" in response.content.decode()
