"""A blind call with questions of its own, reviewed with an infrastructure group's opinion and
a discussion, in a real browser, in Russian (issue 18, "done when"): the programme office sets
blind review on a call that has not opened yet and adds three questions to it (a required
yes/no one, an optional text one the experts read, and one for the office only); once the
call has opened, an author drafts a proposal naming the engineering group, answers the
questions and submits it; the chair of the pharmaceutical group assigns an expert, which asks
the engineering group for its opinion; the expert reads the answers meant for reviewers (not
the office's) and neither the authors' names nor their organisation, mentions the chair in the
discussion and submits the review; the engineering group's chair gives a favourable opinion
with conditions; the chair of the pharmaceutical group reads the mention, sees the opinion
where the decision is taken and approves the proposal in the group.

The demo cluster (`load_demo`) gives the people; the call is opened through the service."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from directory.models import Body, Direction
from documents.models import Call, CallQuestion, DiscussionEntry, Opinion, Proposal
from documents.services import call_open
from tests.browser.dialogs import confirm
from tests.browser.test_proposal_journey import (
    PASSWORD,
    expect_message,
    expect_state,
    go_to,
    log_in,
    row_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONG = 30_000  # ms: other test runs share this machine's two cores
CALL = "Отбор якорных проектов фармацевтики 2027–2029"
TITLE = "Опытное производство рекомбинантного инсулина"
SITE = "Есть ли у проекта опытно-промышленная площадка в Москве?"
EQUIPMENT = "Какое инжиниринговое сопровождение потребуется проекту?"
SOURCE = "Откуда вы узнали о приёме заявок?"
EQUIPMENT_ANSWER = "Проектирование чистых помещений класса C и валидация линии розлива."
SOURCE_ANSWER = "Из рассылки Технологической платформы «БиоТех 2030»."
AUTHOR, ORGANISATION = "Ковалёв Роман Игоревич", "ООО «БиоФармСинтез»"
EXPERT = "Лебедев Андрей Павлович"  # expert1.pharma
MENTION = "@chair.pharma прошу учесть заключение группы «Инжиниринг» по чистым помещениям."
ENGINEERING = "Рабочая группа «Инжиниринг»"
CONDITIONS = "Положительное при условии аттестации чистых помещений до начала выпуска."


@pytest.fixture
def world(settings, media, page):
    """The demo cluster, and a call of the pharmaceutical direction that opens in two weeks.
    The group needs one review to approve (set by the office in the admin), so one expert
    carries the journey."""
    page.set_default_timeout(LONG)
    expect.set_options(timeout=LONG)
    settings.DEBUG = True
    call_command("load_demo", "--password", PASSWORD)
    settings.DEBUG = False
    Body.objects.filter(code="wg-pharma").update(required_reviews=1)
    today = timezone.localdate()
    call = call_open(
        by=User.objects.get(username="office"),
        title_ru=CALL,
        title_en="Pharmaceutical anchor projects 2027–2029",
        directions=[Direction.objects.get(code="pharma")],
        opens_on=today + datetime.timedelta(days=14),
        closes_on=today + datetime.timedelta(days=74),
        first_year=today.year + 1,
        last_year=today.year + 3,
    )
    yield call
    expect.set_options(timeout=5_000)  # Playwright's default, for the tests that follow


def field(page, label: str):
    """The form field of exactly this label (a required field's label ends with "*")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def heading(page):
    return page.get_by_role("heading", level=1)


def open_notice(page, text: str) -> None:
    page.get_by_test_id("notices-link").click()
    notice = page.get_by_test_id("notices").get_by_role("listitem").filter(has_text=text)
    expect(notice.locator("div > div").first).to_have_text(text)
    notice.get_by_role("button", name="Открыть").click()
    expect(heading(page)).to_have_text(TITLE)


# --- The steps of the journey, one person each ---------------------------------------------
def office_adds_questions(page, screenshot, call) -> None:
    log_in(page, "office")
    go_to(page, "Приём заявок")
    page.get_by_role("link", name=CALL, exact=True).click()
    expect(heading(page)).to_have_text(CALL)
    blind = page.get_by_test_id("blind-review")
    blind.get_by_label("Слепая экспертиза", exact=True).check()
    blind.get_by_role("button", name="Сохранить").click()
    expect_message(page, "Для этого приёма заявок включена слепая экспертиза.")
    expect(page.get_by_test_id("blind-review-status")).to_contain_text(
        "Слепая экспертиза: эксперты не видят авторов и организацию"
    )
    questions = page.get_by_test_id("call-questions")
    expect(questions).to_contain_text("Дополнительных вопросов к форме заявки нет.")
    for text, kind, required, readers in [
        (SITE, "да или нет", True, "эксперты и дирекция программы"),
        (EQUIPMENT, "текст", False, "эксперты и дирекция программы"),
        (SOURCE, "текст", False, "только дирекция программы"),
    ]:
        questions.get_by_role("link", name="Добавить вопрос").click()
        expect(heading(page)).to_have_text("Добавить вопрос")
        field(page, "Вопрос (на русском языке)").fill(text)
        field(page, "Вид ответа").select_option(label=kind)
        if required:
            page.get_by_label("Обязателен для подачи заявки").check()
        field(page, "Кому доступны ответы").select_option(label=readers)
        page.get_by_role("button", name="Сохранить", exact=True).click()
        expect_message(page, "Вопрос добавлен в приём заявок.")

    rows = questions.get_by_test_id("question")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text(f"{SITE} *")
    expect(rows.nth(0)).to_contain_text("Да или нет · все направления")
    expect(rows.nth(2).get_by_test_id("office-only")).to_have_text("только дирекция программы")
    screenshot("1-questions")


def author_drafts_answers_and_submits(page, screenshot, call) -> None:
    log_in(page, "author.biopharm")
    go_to(page, "Приём заявок")
    page.get_by_role("link", name=CALL, exact=True).click()
    page.get_by_role("link", name="Новая заявка").click()
    field(page, "Название проекта").fill(TITLE)
    field(page, "Приоритетное направление").select_option(label="Фармацевтика и биомедицина")
    page.get_by_role("button", name="Создать черновик").click()

    expect_message(page, "Черновик создан. Его видите только вы и ваши соавторы.")
    expect(heading(page)).to_have_text("Редактирование заявки")
    field(page, "Краткое описание").fill("Выпуск субстанции инсулина для московских клиник.")
    field(page, "Цели и задачи").fill("Замещение импортной субстанции инсулина.")
    field(page, "Описание проекта").fill("Штамм-продуцент, опытная линия, регистрация.")
    field(page, "Уровень готовности технологии (УГТ)").fill("5")
    field(page, "Ожидаемые результаты").fill("Выпуск 200 кг субстанции в год.")
    page.get_by_label(ENGINEERING, exact=True).check()
    budget = page.get_by_role("group", name="Бюджет", exact=True)
    budget.get_by_label("Год").first.select_option(str(call.first_year))
    budget.get_by_label("Источник").first.select_option(label="собственные средства")
    budget.get_by_label("Сумма, руб.").first.fill("90000000")
    indicators = page.get_by_role("group", name="Целевые показатели", exact=True)
    indicators.get_by_label("Показатель", exact=True).first.fill("Выпуск субстанции")
    indicators.get_by_label("Единица измерения").first.fill("кг")
    indicators.get_by_label("Базовое значение").first.fill("0")
    indicators.get_by_label(str(call.last_year), exact=True).first.fill("200")
    milestones = page.get_by_role("group", name="Контрольные точки", exact=True)
    milestones.get_by_label("Контрольная точка", exact=True).first.fill("Опытная партия")
    milestones.get_by_label("Дата").first.fill(f"{call.first_year}-09-30")
    field(page, SITE).select_option(label="Да")
    field(page, EQUIPMENT).fill(EQUIPMENT_ANSWER)
    field(page, SOURCE).fill(SOURCE_ANSWER)
    screenshot("2-answers")
    page.get_by_role("button", name="Сохранить и закрыть").click()

    expect_message(page, "Заявка сохранена.")
    expect_state(page, "Черновик")
    answers = page.get_by_test_id("answers")
    expect(answers).to_contain_text(SOURCE_ANSWER)  # the authors read all their answers
    page.get_by_role("link", name="Подать", exact=True).click()
    expect(page.get_by_test_id("complete")).to_have_text("Заявка заполнена полностью.")
    confirm(page, page.get_by_role("button", name="Подать в рабочую группу"))

    expect_message(page, "Заявка подана в рабочую группу.")
    expect_state(page, "Подана")


def chair_assigns_an_expert(page, screenshot) -> None:
    log_in(page, "chair.pharma")
    go_to(page, "Входящие")
    row_of(page, TITLE).get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Назначить экспертов").click()
    page.get_by_label(EXPERT).check()
    page.get_by_role("button", name="Назначить и уведомить").click()

    expect_message(page, "Эксперты назначены и уведомлены.")
    expect_state(page, "На экспертизе в рабочей группе")
    opinion = page.get_by_test_id("opinion")
    expect(opinion).to_contain_text(ENGINEERING)
    due = Opinion.objects.get(proposal__title=TITLE).due_on
    expect(opinion.get_by_test_id("opinion-verdict")).to_have_text(f"ожидается до {due:%d.%m.%Y}")


def expert_reads_discusses_and_reviews(page, screenshot) -> None:
    log_in(page, "expert1.pharma")
    go_to(page, "На экспертизу")
    row_of(page, TITLE).get_by_role("link", name=TITLE).click()

    expect(heading(page)).to_have_text(TITLE)
    answers = page.get_by_test_id("answers")
    expect(answers.locator("dt")).to_have_text([SITE, EQUIPMENT])
    expect(answers.locator("dd")).to_have_text(["да", EQUIPMENT_ANSWER])
    main = page.get_by_role("main")
    expect(main).not_to_contain_text(SOURCE)
    expect(main).not_to_contain_text(SOURCE_ANSWER)
    # Blind review: neither the authors nor their organisation, anywhere on the page.
    expect(main).to_contain_text("Фармацевтика и биомедицина")
    expect(main).not_to_contain_text(AUTHOR)
    expect(main).not_to_contain_text("Ковалёв")
    expect(main).not_to_contain_text(ORGANISATION)
    expect(page.get_by_test_id("blind-note")).to_have_count(0)
    discussion = page.get_by_test_id("discussion")
    expect(discussion).to_contain_text("Записей пока нет.")
    discussion.get_by_label("Запись").fill(MENTION)
    discussion.get_by_role("button", name="Добавить запись").click()
    expect(page.get_by_test_id("discussion-notice")).to_have_text("Запись добавлена.")
    expect(page.get_by_test_id("discussion-entry")).to_contain_text(MENTION)
    screenshot("3-expert-discussion")

    page.get_by_test_id("actions").get_by_role("link", name="Написать отзыв").click()
    expect(heading(page)).to_have_text("Отзыв эксперта")
    for group in page.locator("[role=radiogroup]").all():
        group.get_by_label("5", exact=True).check()
    page.get_by_role("group", name="Рекомендация").get_by_label("Одобрить").check()
    page.get_by_label("Комментарии").fill("Технология отработана, рынок оценён реалистично.")
    confirm(page, page.get_by_role("button", name="Представить отзыв"))

    expect_message(page, "Ваш отзыв представлен. Спасибо.")
    expect(page.get_by_test_id("reviews")).to_contain_text(EXPERT)


def engineering_chair_gives_the_opinion(page, screenshot) -> None:
    log_in(page, "chair.engineering")
    due = Opinion.objects.get(proposal__title=TITLE).due_on
    open_notice(
        page,
        f"{ENGINEERING}: запрошено заключение по заявке «{TITLE}» в срок до {due:%d.%m.%Y}.",
    )
    page.get_by_test_id("opinion").get_by_role("link", name="Дать заключение").click()

    expect(heading(page)).to_have_text("Дать заключение")
    page.get_by_role("group", name="Вывод").get_by_label("Положительное с условиями").check()
    field(page, "Заключение").fill(CONDITIONS)
    screenshot("4-opinion")
    confirm(page, page.get_by_role("button", name="Дать заключение"))

    expect_message(page, "Заключение группы дано.")
    expect(page.get_by_test_id("opinion-verdict")).to_have_text("Положительное с условиями")


def chair_reads_the_mention_and_approves(page, screenshot) -> None:
    log_in(page, "chair.pharma")
    open_notice(page, f"{EXPERT} упомянул вас в обсуждении заявки «{TITLE}».")

    expect(page.get_by_test_id("blind-note")).to_have_text(
        "Слепая экспертиза: эксперты не видят авторов и организацию"
    )
    expect(page.locator("header")).to_contain_text(ORGANISATION)  # the chair reads it all
    entry = page.get_by_test_id("discussion-entry")
    expect(entry).to_contain_text(EXPERT)
    expect(entry).to_contain_text(MENTION)
    page.get_by_role("link", name="Принять решение").click()
    expect(page.get_by_test_id("reviews-count")).to_have_text("1 из 1 необходимых отзывов")
    opinion = page.get_by_test_id("opinion")
    expect(opinion).to_contain_text(ENGINEERING)
    expect(opinion.get_by_test_id("opinion-verdict")).to_have_text("Положительное с условиями")
    expect(opinion).to_contain_text(CONDITIONS)
    screenshot("5-decide")
    confirm(page, page.get_by_role("button", name="Одобрить в рабочей группе"))

    expect_message(page, "Заявка одобрена рабочей группой.")
    expect_state(page, "Одобрена рабочей группой")
    screenshot("6-approved")


# --- The test --------------------------------------------------------------------------------
def test_call_with_questions_is_reviewed_with_an_opinion_and_a_discussion(world, page, screenshot):
    call = world

    office_adds_questions(page, screenshot, call)
    # The clock: two weeks pass and the call opens (its questions are fixed from now on).
    Call.objects.filter(pk=call.pk).update(opens_on=timezone.localdate())
    author_drafts_answers_and_submits(page, screenshot, call)
    chair_assigns_an_expert(page, screenshot)
    expert_reads_discusses_and_reviews(page, screenshot)
    engineering_chair_gives_the_opinion(page, screenshot)
    chair_reads_the_mention_and_approves(page, screenshot)

    proposal = Proposal.objects.get(title=TITLE)
    assert proposal.state == Proposal.State.WG_APPROVED
    assert sorted(
        (a.question.text_ru, a.value) for a in proposal.answers.select_related("question")
    ) == sorted([(SITE, True), (EQUIPMENT, EQUIPMENT_ANSWER), (SOURCE, SOURCE_ANSWER)])
    assert Call.objects.get(pk=call.pk).blind_review is True
    assert list(call.questions.values_list("required", "visibility")) == [
        (True, CallQuestion.Visibility.REVIEWERS),
        (False, CallQuestion.Visibility.REVIEWERS),
        (False, CallQuestion.Visibility.OFFICE),
    ]
    opinion = Opinion.objects.get(proposal=proposal)
    assert (opinion.body.code, opinion.state, opinion.verdict, opinion.text) == (
        "wg-engineering",
        Opinion.State.GIVEN,
        Opinion.Verdict.WITH_CONDITIONS,
        CONDITIONS,
    )
    assert opinion.given_by.username == "chair.engineering"
    assert list(DiscussionEntry.objects.filter(proposal=proposal).values_list("text")) == [
        (MENTION,)
    ]
