"""An anchor-project proposal from the first draft to the governance body's approval, in
Russian, in a real browser, through the pages each person would use: the author drafts,
attaches and submits it; the chair of the working group assigns two experts; both review it;
the chair approves it in the group; the programme office puts it before the governance body;
the secretary records the approval; the author reads the decision and the history and
downloads the project passport. And a refusal: an incomplete draft cannot be submitted, and
the page says in Russian what is missing."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from directory.models import Direction
from documents.demo import DEMO_CALL
from documents.models import Call, Proposal, ReviewCriterion
from documents.services import proposal_create
from tests.browser.dialogs import confirm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Demo-pass-1"
TITLE = "Закваски пробиотических культур для молочной промышленности"
EXPERTS = {
    "expert1.agrofood": "Морозова Елена Викторовна",
    "expert2.agrofood": "Новиков Павел Андреевич",
}


@pytest.fixture
def demo(settings, media):
    settings.DEBUG = True
    call_command("load_demo", "--password", PASSWORD)
    settings.DEBUG = False
    return Call.objects.get(title_ru=DEMO_CALL)


@pytest.fixture
def console_errors(page):
    """Console errors and uncaught exceptions of the pages visited, checked after each step
    (the `page` fixture checks them again, with failed responses, when the test ends)."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def pdf_file(tmp_path):
    path = tmp_path / "Бизнес-план.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
    return path


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/")


def go_to(page, menu_item: str) -> None:
    """A link of the main menu (the first navigation; breadcrumbs are the second)."""
    menu = page.get_by_role("navigation").first
    menu.get_by_role("link", name=menu_item, exact=True).click()


def expect_message(page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=text)).to_have_text(text)


def expect_state(page, label: str) -> None:
    """The state badge beside the proposal's title."""
    expect(page.locator("header [data-state]")).to_have_text(label)


def row_of(page, title: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))


# --- The steps of the journey, one person each ---------------------------------------------
def author_drafts_attaches_and_submits(page, screenshot, call: Call, pdf_file) -> None:
    first_year, second_year, last_year = call.years[0], call.years[1], call.years[-1]
    log_in(page, "author.agro")
    go_to(page, "Приём заявок")
    page.get_by_role("link", name=call.title_ru).click()
    expect(page.get_by_test_id("call-status")).to_have_text("Принимает заявки")
    page.get_by_role("link", name="Новая заявка").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Новая заявка на якорный проект")
    page.get_by_label("Название проекта").fill(TITLE)
    page.get_by_label("Приоритетное направление").select_option(label="Агропищевой сектор")
    page.get_by_role("button", name="Создать черновик").click()

    expect_message(page, "Черновик создан. Его видите только вы и ваши соавторы.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Редактирование заявки")
    expect(page.get_by_label("Контактное лицо")).to_have_value("Степанов Илья Викторович")
    page.get_by_label("Краткое описание").fill(
        "Промышленный выпуск отечественных заквасок для молочных заводов Москвы."
    )
    page.get_by_label("Цели и задачи").fill("Замещение импортных заквасок на 40 % рынка.")
    page.get_by_label("Описание проекта", exact=True).fill(
        "Селекция штаммов, опытная линия лиофилизации, сертификация и выход на рынок."
    )
    page.get_by_label("Уровень готовности технологии (УГТ)").fill("6")
    page.get_by_label("Ожидаемые результаты").fill("Выпуск 20 т заквасок в год, 45 рабочих мест.")
    page.get_by_label("Якорные инвесторы и партнёры").fill("Молочный комбинат «Останкино»")
    page.get_by_label("Контактный телефон").fill("+7 495 111-22-33")
    budget = page.get_by_role("group", name="Бюджет", exact=True)
    budget.get_by_label("Год").first.select_option(str(first_year))
    budget.get_by_label("Источник").first.select_option(label="собственные средства")
    budget.get_by_label("Сумма, руб.").first.fill("12000000")
    indicators = page.get_by_role("group", name="Целевые показатели", exact=True)
    indicators.get_by_label("Показатель", exact=True).first.fill("Объём выпуска заквасок")
    indicators.get_by_label("Единица измерения").first.fill("т")
    indicators.get_by_label("Базовое значение").first.fill("0")
    for target, year in enumerate(call.years, start=1):
        indicators.get_by_label(str(year), exact=True).first.fill(str(5 * target))
    milestones = page.get_by_role("group", name="Контрольные точки", exact=True)
    milestones.get_by_label("Контрольная точка", exact=True).nth(0).fill("Опытная партия")
    milestones.get_by_label("Дата").nth(0).fill(f"{second_year}-03-31")
    milestones.get_by_label("Контрольная точка", exact=True).nth(1).fill("Серийный выпуск")
    milestones.get_by_label("Дата").nth(1).fill(f"{last_year}-10-01")
    page.get_by_role("button", name="Сохранить", exact=True).click()

    expect_message(page, "Заявка сохранена.")
    expect(page.get_by_label("Уровень готовности технологии (УГТ)")).to_have_value("6")
    page.get_by_label("Файл", exact=True).set_input_files(pdf_file)
    page.get_by_role("button", name="Загрузить").click()

    expect_message(page, "Файл «Бизнес-план.pdf» приложен.")
    expect(page.get_by_test_id("attachments").get_by_role("link")).to_have_text("Бизнес-план.pdf")
    screenshot("1-draft-edited")
    page.get_by_role("button", name="Сохранить и закрыть").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect_state(page, "Черновик")
    expect(page.get_by_role("link", name="Редактировать")).to_be_visible()
    page.get_by_role("link", name="Подать", exact=True).click()

    expect(page.get_by_test_id("complete")).to_have_text("Заявка заполнена полностью.")
    screenshot("2-submit")
    confirm(page, page.get_by_role("button", name="Подать в рабочую группу"))

    expect_message(page, "Заявка подана в рабочую группу.")
    expect_state(page, "Подана")
    expect(page.get_by_test_id("versions")).to_contain_text("Версия 1")
    expect(page.get_by_role("link", name="Редактировать")).to_have_count(0)


def chair_assigns_two_experts(page, screenshot) -> None:
    log_in(page, "chair.agrofood")
    go_to(page, "Входящие")
    expect(page.get_by_role("heading", level=1)).to_have_text("Входящие рабочей группы")
    expect(row_of(page, TITLE)).to_contain_text("Подана")
    row_of(page, TITLE).get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Назначить экспертов").click()
    for name in EXPERTS.values():
        page.get_by_label(name).check()
    screenshot("3-assign")
    page.get_by_role("button", name="Назначить и уведомить").click()

    expect_message(page, "Эксперты назначены и уведомлены.")
    expect_state(page, "На экспертизе в рабочей группе")


def expert_reviews(page, screenshot, username: str, score: int) -> None:
    log_in(page, username)
    go_to(page, "На экспертизу")
    expect(page.get_by_role("heading", level=1)).to_have_text("Заявки, назначенные мне")
    row_of(page, TITLE).get_by_role("link", name="Написать отзыв").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Отзыв эксперта")
    for criterion in ReviewCriterion.objects.all():
        page.get_by_role("radiogroup", name=criterion.name_ru).get_by_label(
            str(score), exact=True
        ).check()
    page.get_by_role("group", name="Рекомендация").get_by_label("Одобрить").check()
    page.get_by_label("Комментарии").fill("Штаммы и рынок описаны убедительно; бюджет реалистичен.")
    screenshot(f"4-review-{username}")
    confirm(page, page.get_by_role("button", name="Представить отзыв"))

    expect_message(page, "Ваш отзыв представлен. Спасибо.")
    expect(page.get_by_test_id("reviews")).to_contain_text(EXPERTS[username])
    expect(page.get_by_role("link", name="Написать отзыв")).to_have_count(0)


def chair_approves_in_the_group(page, screenshot) -> None:
    log_in(page, "chair.agrofood")
    go_to(page, "Входящие")
    expect(row_of(page, TITLE).get_by_test_id("reviews-count")).to_have_text("2 / 2")
    row_of(page, TITLE).get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Принять решение").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Решение рабочей группы")
    expect(page.get_by_test_id("reviews-count")).to_have_text("2 из 2 необходимых отзывов")
    screenshot("5-decide")
    confirm(page, page.get_by_role("button", name="Одобрить в рабочей группе"))

    expect_message(page, "Заявка одобрена рабочей группой.")
    expect_state(page, "Одобрена рабочей группой")


def office_sends_to_the_governance_body(page, screenshot) -> None:
    log_in(page, "office")
    go_to(page, "Координационный совет")
    expect(page.get_by_role("heading", level=1)).to_have_text("Очередь Координационного совета")
    expect(row_of(page, TITLE)).to_contain_text("Одобрена рабочей группой")
    sending = page.locator("form").filter(has_text=TITLE)
    sending.get_by_label("Примечание").fill("К заседанию Совета в декабре.")
    screenshot("6-governance-queue")
    confirm(page, sending.get_by_role("button", name="Направить в Координационный совет"))

    expect_message(page, "Заявка направлена в Координационный совет.")
    expect_state(page, "На рассмотрении Координационного совета")


def secretary_records_the_approval(page, screenshot, decided_on) -> None:
    log_in(page, "secretary")
    go_to(page, "Координационный совет")
    row_of(page, TITLE).get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Внести решение Координационного совета").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Решение Координационного совета")
    approval = page.locator("form").filter(
        has=page.get_by_role("button", name="Внести решение об утверждении")
    )
    approval.get_by_label("Номер решения").fill("№ 4")
    approval.get_by_label("Дата решения").fill(decided_on.isoformat())
    screenshot("7-governance-decision")
    confirm(page, approval.get_by_role("button", name="Внести решение об утверждении"))

    expect_message(page, "Решение Координационного совета об утверждении внесено.")
    expect_state(page, "Утверждена")


def author_reads_the_decision_and_downloads_the_passport(page, screenshot, reference) -> None:
    log_in(page, "author.agro")
    go_to(page, "Мои заявки")
    expect(row_of(page, TITLE)).to_contain_text("Утверждена")
    row_of(page, TITLE).get_by_role("link", name=TITLE).click()

    expect_state(page, "Утверждена")
    expect(page.get_by_test_id("decision")).to_contain_text(f"Решение: {reference}")
    steps = [
        text.splitlines()[0]
        for text in page.get_by_test_id("history").get_by_role("listitem").all_inner_texts()
    ]
    assert steps == [
        "Создан черновик",
        "Подана",
        "Назначены эксперты",
        "Одобрена рабочей группой",
        "Направлена в Координационный совет",
        "Утверждена Координационным советом",
    ]
    screenshot("8-approved")
    page.get_by_role("button", name="Паспорт проекта, версия 1").click()
    download_link = page.get_by_test_id("document-download")
    download_link.wait_for(timeout=30_000)
    with page.expect_download() as download:
        download_link.click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


# --- Tests -----------------------------------------------------------------------------------
def test_proposal_goes_from_draft_to_the_governance_body_approval(
    demo, page, screenshot, console_errors, pdf_file
):
    decided_on = timezone.localdate()
    reference = f"№ 4 от {decided_on:%d.%m.%Y}"

    author_drafts_attaches_and_submits(page, screenshot, demo, pdf_file)
    assert console_errors == [], "author's draft and submission"
    chair_assigns_two_experts(page, screenshot)
    assert console_errors == [], "chair's assignment"
    for score, username in enumerate(EXPERTS, start=4):
        expert_reviews(page, screenshot, username, score)
        assert console_errors == [], f"review of {username}"
    chair_approves_in_the_group(page, screenshot)
    assert console_errors == [], "chair's approval"
    office_sends_to_the_governance_body(page, screenshot)
    assert console_errors == [], "programme office"
    secretary_records_the_approval(page, screenshot, decided_on)
    assert console_errors == [], "secretary"
    author_reads_the_decision_and_downloads_the_passport(page, screenshot, reference)
    assert console_errors == [], "author's reading"

    proposal = Proposal.objects.get(title=TITLE)
    assert proposal.state == Proposal.State.APPROVED
    assert proposal.decision_reference == reference
    assert [a.original_name for a in proposal.attachments.all()] == ["Бизнес-план.pdf"]
    assert sorted(r.expert.username for r in proposal.reviews.all()) == sorted(EXPERTS)


def test_incomplete_draft_is_refused_with_what_is_missing_in_russian(
    demo, page, screenshot, console_errors
):
    author = User.objects.get(username="author.agro")
    draft = proposal_create(
        by=author, call=demo, direction=Direction.objects.get(code="agrofood"), title=TITLE
    )

    log_in(page, "author.agro")
    page.goto(f"/proposals/{draft.pk}/")
    page.get_by_role("link", name="Подать", exact=True).click()
    screenshot("incomplete")

    problems = page.get_by_test_id("problems")
    expect(problems).to_contain_text("Заявку пока нельзя подать:")
    expect(problems.get_by_role("listitem")).to_have_text(
        [
            "Заполните поле «краткое описание».",
            "Заполните поле «цели и задачи».",
            "Заполните поле «описание проекта».",
            "Заполните поле «уровень готовности технологии (УГТ)».",
            "Заполните поле «ожидаемые результаты».",
            "Добавьте хотя бы одну строку бюджета.",
            "Добавьте хотя бы одну контрольную точку.",
            "Добавьте хотя бы один целевой показатель.",
        ]
    )
    expect(page.get_by_role("button", name="Подать в рабочую группу")).to_be_disabled()
    problems.get_by_role("link", name="Дополнить заявку").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Редактирование заявки")
    assert console_errors == []
    assert Proposal.objects.get(pk=draft.pk).state == Proposal.State.DRAFT
