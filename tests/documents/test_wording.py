"""The Russian wording of pages, notices and documents (issue 17, item 13): each test reads the
rendered text and would fail on the old wording."""

import datetime
import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from accounts import services as accounts_services
from accounts.models import User
from documents import transitions
from documents.content import diff
from documents.models import Proposal
from mbk.gender import FEMALE, MALE, UNKNOWN, guess_gender
from programme.document import section_table
from tests.factories import draft_proposal
from tests.workflow.states import SCORES, proposal_in, with_reviewers
from workflow.models import Notice

State = Proposal.State


@pytest.fixture
def people(cluster, author, coauthor, chair, expert, office, secretary):
    return with_reviewers(
        cluster,
        author=author,
        coauthor=coauthor,
        chair=chair,
        expert=expert,
        office=office,
        secretary=secretary,
    )


def page(client, person, url: str) -> str:
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_indicator_targets_are_asked_for_each_year_of_the_project(client, author):
    proposal = draft_proposal(author)

    html = page(client, author, f"/proposals/{proposal.pk}/edit/")

    assert "в каждом году реализации проекта" in html
    assert "в каждом году приёма" not in html


@pytest.mark.django_db
def test_the_approval_hint_reads_naturally(client, people):
    proposal = proposal_in(State.WG_REVIEW, people)

    html = page(client, people["chair"], f"/proposals/{proposal.pk}/decide/")

    assert "нужно необходимое число" not in html
    assert "сколько требует рабочая группа" in html


@pytest.mark.django_db
def test_the_document_page_names_the_content_version_once(client, author, chair):
    proposal = transitions.proposal_submit(proposal_id=draft_proposal(author).pk, by=author)
    client.force_login(author)
    response = client.post(f"/proposals/{proposal.pk}/documents/passport/", {"version": 1})

    html = page(client, author, response.url)

    assert "Версия содержания" in html
    assert 'data-testid="content-version">1</a>' in html
    assert "Версия 1</a>" not in html


def test_dates_print_as_day_month_year_in_both_languages():
    template = Template("{{ day }}|{{ day|date }}|{{ day|date:'SHORT_DATE_FORMAT' }}")
    day = datetime.date(2027, 12, 31)

    for language in ("ru", "en"):
        with translation.override(language):
            assert template.render(Context({"day": day})) == "31.12.2027|31.12.2027|31.12.2027"


def test_activity_deadlines_print_as_day_month_year_on_pages_and_in_the_pdf():
    table = section_table(
        {
            "table": "activities",
            "rows": [
                {"name": "Центр", "responsible": "МБК", "deadline": "2027-12-31", "funding": 5},
                {"name": "Школа", "responsible": "МБК", "deadline": "", "funding": 1},
            ],
        },
        [2027],
    )

    html = render_to_string("programme/_section_table.html", {"table": table})

    assert "31.12.2027" in html
    assert "2027-12-31" not in html


def test_a_milestones_date_in_the_changes_between_versions_is_day_month_year():
    before = {"milestones": [{"name": "Пуск", "due_on": "2027-12-31"}]}
    after = {"milestones": [{"name": "Пуск", "due_on": "2028-03-01"}]}

    [change] = diff(before, after)

    assert (change.before, change.after) == ("Пуск; 31.12.2027", "Пуск; 01.03.2028")


@pytest.mark.django_db
def test_state_badges_are_in_sentence_case(client, people):
    proposal_in(State.DRAFT, people, title="Черновая")

    html = page(client, people["author"], "/proposals/mine/")

    assert '<span class="badge rounded-pill text-bg-light border" data-state="draft">Черновик' in (
        html
    )


@pytest.mark.parametrize(
    ("patronymic", "gender"),
    [
        ("Иванович", MALE),
        ("Ильич", MALE),
        ("Ивановна", FEMALE),
        ("Ильинична", FEMALE),
        ("Кузьминична", FEMALE),
        ("Мамед оглы", MALE),
        ("", UNKNOWN),
        ("Смит", UNKNOWN),
    ],
)
def test_the_gender_is_guessed_from_the_patronymic(patronymic, gender):
    assert guess_gender(patronymic) == gender


@pytest.mark.django_db
def test_sign_up_guesses_the_gender_from_the_patronymic(
    organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = accounts_services.author_sign_up(
            email="petrova@example.org",
            password="correct-horse-battery",
            last_name="Петрова",
            first_name="Анна",
            middle_name="Сергеевна",
            organisation=organisation,
        )

    assert person.gender == FEMALE


@pytest.mark.django_db
def test_the_person_sets_their_gender_in_the_profile(client, author):
    client.force_login(author)

    response = client.post("/accounts/profile/", {"gender": "female"})

    author.refresh_from_db()
    assert response.status_code == 302
    assert author.gender == FEMALE
    assert 'name="gender"' in page(client, author, "/accounts/profile/")


@pytest.mark.parametrize(
    ("gender", "text"),
    [
        (MALE, "Эксперт Один представил отзыв на заявку «Биоаналоги»."),
        (FEMALE, "Эксперт Один представила отзыв на заявку «Биоаналоги»."),
        (UNKNOWN, "Поступил отзыв на заявку «Биоаналоги» (эксперт — Эксперт Один)."),
    ],
)
@pytest.mark.django_db
def test_the_review_notice_agrees_with_the_experts_gender(people, gender, text):
    proposal = proposal_in(State.WG_REVIEW, people, title="Биоаналоги")
    expert = people["expert"]
    User.objects.filter(pk=expert.pk).update(
        gender=gender, last_name="Эксперт", first_name="Один", middle_name=""
    )
    expert.refresh_from_db()

    transitions.proposal_review(
        proposal_id=proposal.pk, by=expert, scores=SCORES, recommendation="approve", comments="Да"
    )

    notice = Notice.objects.filter(recipient=people["chair"]).latest("pk")
    assert notice.text == text
    assert "(а)" not in notice.text


@pytest.mark.parametrize(
    ("gender", "text"),
    [
        (MALE, "в каком его подал "),
        (FEMALE, "в каком его подала "),
        (UNKNOWN, "в каком оно было подано (автор — "),
    ],
)
@pytest.mark.django_db
def test_the_version_page_says_who_submitted_it_by_their_gender(
    client, author, chair, gender, text
):
    proposal = transitions.proposal_submit(proposal_id=draft_proposal(author).pk, by=author)
    User.objects.filter(pk=author.pk).update(gender=gender)

    html = page(client, author, f"/proposals/{proposal.pk}/versions/1/")

    assert text in html
    assert "подал(а)" not in html


def test_no_russian_message_hedges_a_verb_with_a_bracketed_ending():
    """«проголосовал(а)», «сам(а)»: a person is named by gender where it is known, else the
    sentence is built so that no ending depends on it."""
    catalogue = (settings.BASE_DIR / "locale/ru/LC_MESSAGES/django.po").read_text()

    hedged = re.findall(r"^msgstr.*\w\((?:а|ла|на)\).*$", catalogue, re.M)

    assert hedged == []
