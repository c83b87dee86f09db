"""The whole road of an anchor project in a real browser, through the pages each person uses,
in Russian: an author signs up and confirms the e-mail, the programme office confirms the new
organisation, the author drafts the proposal with budget lines and a PDF attachment and submits
it; the chair of the working group assigns two experts, both review, the chair returns it with
a remark; the author answers it, corrects the budget and resubmits; both experts review the new
round and the chair approves; the programme office puts it before the governance body, whose
secretary plans a meeting, publishes the agenda, records attendance, opens the vote where all
vote for by a show of hands, and closes it with the decision;
a programme version with the project is approved and its PDF names the project.

And the first steps of the same road in English, chosen with the site's language switch.

What is not the point of the journey (the cluster directory, people in their roles, the
programme's sections) is set up through the services."""

import io
import re
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import User
from directory.loading import load_cluster_directory
from directory.models import Body, Direction, Organisation
from documents.models import Proposal, RenderJob, ReviewCriterion
from documents.pdf import pipeline
from meetings.models import Meeting
from programme.models import ProgrammeVersion
from tests.browser.dialogs import confirm
from tests.browser.test_programme_journey import decide
from tests.browser.test_proposal_journey import expect_message, expect_state, go_to, row_of
from tests.documents.test_uploads import PDF  # a small PDF the upload check accepts
from tests.factories import CallFactory, OrganisationFactory, UserFactory
from tests.programme.world import ready_programme
from tests.workflow.states import make_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "correct-horse-battery"  # the personas of make_people()
AUTHOR_PASSWORD = "Zakvaski-Moloko-2027"
TITLE = "Закваски пробиотических культур для молочной промышленности"
ORGANISATION = "ООО «Пробиотика»"
AUTHOR = {
    "Фамилия": "Степанова",
    "Имя": "Алина",
    "Отчество": "Игоревна",
    "Электронная почта": "stepanova@probiotika.ru",
    "Должность": "Директор по развитию",
    "Телефон": "+7 495 111-22-33",
}
EXPERTS = {"expert2": "Морозова Елена Викторовна", "expert3": "Новиков Павел Андреевич"}
REMARK = "Распишите бюджет по всем годам проекта, включая 2028 год."
ANSWER = "Добавили строку бюджета на 2028 год: 5 000 000 руб. из бюджета города Москвы."
LONG = 30_000  # ms: other test runs share this machine's two cores


def rename(username: str, full_name: str) -> None:
    last, first, middle = full_name.split()
    User.objects.filter(username=username).update(
        last_name=last, first_name=first, middle_name=middle
    )


@pytest.fixture
def world(media):
    """The cluster directory and its people (make_people), named as people are, and an open
    call for proposals of the programme's years."""
    people = make_people()
    for username, name in {
        "chair": "Волкова Ирина Сергеевна",
        "secretary": "Орлова Мария Андреевна",
        "council-chair": "Лебедев Николай Петрович",
        "council-member": "Соколов Андрей Ильич",
        **EXPERTS,
    }.items():
        rename(username, name)
    call = CallFactory(
        title_ru="Отбор якорных проектов 2027–2029",
        title_en="Anchor projects 2027–2029",
        created_by=people["office"],
    )
    return SimpleNamespace(people=people, call=call, direction=Direction.objects.get(code="pharma"))


@pytest.fixture
def patient(page):
    """Generous waits: other test runs share this machine's two cores."""
    page.set_default_timeout(LONG)
    expect.set_options(timeout=LONG)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default, for the tests that follow


@pytest.fixture
def pdf_file(tmp_path):
    path = tmp_path / "Бизнес-план.pdf"
    path.write_bytes(PDF)
    return path


def log_in(page, username: str, password: str = STAFF_PASSWORD) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/")


def confirmation_path(address: str) -> str:
    """The path of the link in the last confirmation e-mail sent to `address`."""
    letter = [message for message in mail.outbox if message.to == [address]][-1]
    link = re.search(r"https?://\S+", letter.body).group(0)
    return "/" + link.split("/", 3)[3]


def field(page, label: str):
    """The form field of exactly this label (a required field's label ends with "*")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def heading(page):
    return page.get_by_role("heading", level=1)


# --- The steps of the journey, one person each ---------------------------------------------
def author_signs_up_and_confirms_the_address(page, screenshot) -> None:
    page.goto("/")
    page.get_by_role("link", name="Зарегистрироваться").click()
    expect(heading(page)).to_have_text("Регистрация автора проекта")
    for label, value in AUTHOR.items():
        field(page, label).fill(value)
    page.get_by_label("Полное наименование новой организации").fill(ORGANISATION)
    page.get_by_label("Вид новой организации").select_option(label="компания")
    field(page, "Пароль").fill(AUTHOR_PASSWORD)
    page.get_by_label("Пароль ещё раз").fill(AUTHOR_PASSWORD)
    screenshot("01-signup")
    page.get_by_role("button", name="Зарегистрироваться").click()

    expect(heading(page)).to_have_text("Подтверждение адреса")
    expect(page.get_by_role("main")).to_contain_text(AUTHOR["Электронная почта"])
    page.goto(confirmation_path(AUTHOR["Электронная почта"]))
    page.get_by_test_id("confirm-email").click()

    expect_message(page, "Адрес электронной почты подтверждён. Теперь вы можете войти.")
    log_in(page, AUTHOR["Электронная почта"], AUTHOR_PASSWORD)
    expect(heading(page)).to_have_text("Добро пожаловать, Алина")
    expect(page.get_by_role("status")).to_have_text(
        "Ваша организация ожидает подтверждения дирекцией программы. Готовить заявки можно уже"
        " сейчас, подать — после подтверждения."
    )
    screenshot("02-awaiting-organisation")


def office_confirms_the_organisation(page, screenshot) -> None:
    log_in(page, "office")
    panel = page.get_by_test_id("panel").filter(has_text="Организации, ожидающие подтверждения")
    expect(panel).to_contain_text(ORGANISATION)
    panel.get_by_role("link", name="Открыть все").click()
    row = page.get_by_role("row").filter(has_text=ORGANISATION)
    expect(row).to_contain_text(AUTHOR["Электронная почта"])
    screenshot("03-organisation-review")
    row.get_by_role("button", name="Подтвердить").click()

    expect_message(page, f"Организация {ORGANISATION} подтверждена.")
    expect(page.get_by_role("cell")).to_have_text("Нет организаций, ожидающих подтверждения.")


def author_drafts_attaches_and_submits(page, screenshot, world, pdf_file) -> None:
    first_year, last_year = world.call.years[0], world.call.years[-1]
    log_in(page, AUTHOR["Электронная почта"], AUTHOR_PASSWORD)
    expect(page.get_by_role("status")).to_have_count(0)  # the organisation is confirmed
    go_to(page, "Приём заявок")
    page.get_by_role("link", name=world.call.title_ru).click()
    page.get_by_role("link", name="Новая заявка").click()
    expect(heading(page)).to_have_text("Новая заявка на якорный проект")
    page.get_by_label("Название проекта").fill(TITLE)
    page.get_by_label("Приоритетное направление").select_option(label=world.direction.name_ru)
    page.get_by_role("button", name="Создать черновик").click()

    expect_message(page, "Черновик создан. Его видите только вы и ваши соавторы.")
    expect(heading(page)).to_have_text("Редактирование заявки")
    expect(page.get_by_label("Контактное лицо")).to_have_value("Степанова Алина Игоревна")
    page.get_by_label("Краткое описание").fill(
        "Промышленный выпуск отечественных пробиотических заквасок для молочных заводов."
    )
    page.get_by_label("Цели и задачи").fill("Замещение импортных заквасок на 40 % рынка Москвы.")
    page.get_by_label("Описание проекта", exact=True).fill(
        "Селекция штаммов, опытная линия лиофилизации, сертификация и выход на рынок."
    )
    page.get_by_label("Уровень готовности технологии (УГТ)").fill("6")
    page.get_by_label("Ожидаемые результаты").fill("Выпуск 20 т заквасок в год, 45 рабочих мест.")
    page.get_by_label("Якорные инвесторы и партнёры").fill("Молочный комбинат «Останкино»")
    page.get_by_label("Контактный телефон").fill(AUTHOR["Телефон"])
    budget = page.get_by_role("group", name="Бюджет", exact=True)
    for row, (year, source, amount) in enumerate(
        [
            (first_year, "собственные средства", "12000000"),
            (last_year, "бюджет города Москвы", "8000000"),
        ]
    ):
        budget.get_by_label("Год").nth(row).select_option(str(year))
        budget.get_by_label("Источник").nth(row).select_option(label=source)
        budget.get_by_label("Сумма, руб.").nth(row).fill(amount)
    indicators = page.get_by_role("group", name="Целевые показатели", exact=True)
    indicators.get_by_label("Показатель", exact=True).first.fill("Объём выпуска заквасок")
    indicators.get_by_label("Единица измерения").first.fill("т")
    indicators.get_by_label("Базовое значение").first.fill("0")
    for target, year in enumerate(world.call.years, start=1):
        indicators.get_by_label(str(year), exact=True).first.fill(str(5 * target))
    milestones = page.get_by_role("group", name="Контрольные точки", exact=True)
    milestones.get_by_label("Контрольная точка", exact=True).nth(0).fill("Опытная партия")
    milestones.get_by_label("Дата").nth(0).fill(f"{first_year}-09-30")
    milestones.get_by_label("Контрольная точка", exact=True).nth(1).fill("Серийный выпуск")
    milestones.get_by_label("Дата").nth(1).fill(f"{last_year}-10-01")
    page.get_by_role("button", name="Сохранить", exact=True).click()

    expect_message(page, "Заявка сохранена.")
    expect(budget.get_by_label("Сумма, руб.").nth(1)).to_have_value("8 000 000")
    page.get_by_label("Файл", exact=True).set_input_files(pdf_file)
    page.get_by_role("button", name="Загрузить").click()

    expect_message(page, "Файл «Бизнес-план.pdf» приложен.")
    screenshot("04-draft-edited")
    page.get_by_role("button", name="Сохранить и закрыть").click()

    expect(heading(page)).to_have_text(TITLE)
    expect_state(page, "Черновик")
    expect(page.get_by_test_id("attachments").get_by_role("link")).to_have_text("Бизнес-план.pdf")
    page.get_by_role("link", name="Подать", exact=True).click()

    expect(page.get_by_test_id("complete")).to_have_text("Заявка заполнена полностью.")
    confirm(page, page.get_by_role("button", name="Подать в рабочую группу"))

    expect_message(page, "Заявка подана в рабочую группу.")
    expect_state(page, "Подана")
    expect(page.get_by_test_id("versions")).to_contain_text("Версия 1")
    screenshot("05-submitted")


def chair_assigns_two_experts(page, screenshot) -> None:
    log_in(page, "chair")
    go_to(page, "Входящие")
    expect(row_of(page, TITLE)).to_contain_text("Подана")
    row_of(page, TITLE).get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Назначить экспертов").click()
    for name in EXPERTS.values():
        page.get_by_label(name).check()
    screenshot("06-assign")
    page.get_by_role("button", name="Назначить и уведомить").click()

    expect_message(page, "Эксперты назначены и уведомлены.")
    expect_state(page, "На экспертизе в рабочей группе")


def expert_reviews(page, screenshot, username: str, *, recommendation: str, round_: int) -> None:
    log_in(page, username)
    go_to(page, "На экспертизу")
    row_of(page, TITLE).get_by_role("link", name="Написать отзыв").click()
    expect(heading(page)).to_have_text("Отзыв эксперта")
    expect(page.get_by_test_id("version-under-review")).to_contain_text(
        f"Раунд экспертизы {round_}."
    )
    for criterion in ReviewCriterion.objects.all():
        page.get_by_role("radiogroup", name=criterion.name_ru).get_by_label("4", exact=True).check()
    page.get_by_role("group", name="Рекомендация").get_by_label(recommendation).check()
    page.get_by_label("Комментарии").fill(f"Раунд {round_}: штаммы и рынок описаны убедительно.")
    screenshot(f"07-review-{username}-round-{round_}")
    confirm(page, page.get_by_role("button", name="Представить отзыв"))

    expect_message(page, "Ваш отзыв представлен. Спасибо.")
    expect(page.get_by_test_id("reviews")).to_contain_text(EXPERTS[username])


def chair_returns_it_for_revision(page, screenshot) -> None:
    log_in(page, "chair")
    go_to(page, "Входящие")
    expect(row_of(page, TITLE).get_by_test_id("reviews-count")).to_have_text("2 / 2")
    row_of(page, TITLE).get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Принять решение").click()
    expect(page.get_by_test_id("reviews-count")).to_have_text("2 из 2 необходимых отзывов")
    revision = page.locator("form").filter(
        has=page.get_by_role("button", name="Вернуть на доработку")
    )
    revision.get_by_label("Замечания").fill(f"1. {REMARK}")
    screenshot("08-revision-request")
    confirm(page, revision.get_by_role("button", name="Вернуть на доработку"))

    expect_message(page, "Заявка возвращена авторам на доработку.")
    expect_state(page, "Возвращена на доработку")


def author_answers_the_remark_and_resubmits(page, screenshot, world) -> None:
    log_in(page, AUTHOR["Электронная почта"], AUTHOR_PASSWORD)
    go_to(page, "Мои заявки")
    row_of(page, TITLE).get_by_role("link", name=TITLE).click()
    expect_state(page, "Возвращена на доработку")
    expect(page.get_by_test_id("remarks")).to_contain_text(REMARK)
    page.get_by_role("link", name="Редактировать").click()
    budget = page.get_by_role("group", name="Бюджет", exact=True)
    budget.get_by_label("Год").nth(2).select_option(str(world.call.years[1]))
    budget.get_by_label("Источник").nth(2).select_option(label="бюджет города Москвы")
    budget.get_by_label("Сумма, руб.").nth(2).fill("5000000")
    page.get_by_role("button", name="Сохранить и закрыть").click()

    expect_message(page, "Заявка сохранена.")
    page.get_by_role("link", name="Ответить на замечания").click()
    page.get_by_label("Ответ на замечание 1").fill(ANSWER)
    screenshot("09-answer")
    page.get_by_role("button", name="Сохранить ответы").click()

    expect_message(page, "Ваши ответы сохранены. Подайте заявку, когда будете готовы.")
    expect(page.get_by_test_id("remarks")).to_contain_text(ANSWER)
    page.get_by_role("link", name="Подать", exact=True).click()
    expect(heading(page)).to_have_text("Подать доработанную заявку")
    confirm(page, page.get_by_role("button", name="Подать в рабочую группу"))

    expect_message(page, "Заявка подана в рабочую группу.")
    expect_state(page, "На экспертизе в рабочей группе")
    expect(page.get_by_test_id("versions")).to_contain_text("Версия 2")


def chair_approves_in_the_group(page, screenshot) -> None:
    log_in(page, "chair")
    go_to(page, "Входящие")
    expect(row_of(page, TITLE).get_by_test_id("reviews-count")).to_have_text("2 / 2")
    row_of(page, TITLE).get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Принять решение").click()
    expect(page.get_by_test_id("reviews-count")).to_have_text("2 из 2 необходимых отзывов")
    screenshot("10-approve-in-group")
    confirm(page, page.get_by_role("button", name="Одобрить в рабочей группе"))

    expect_message(page, "Заявка одобрена рабочей группой.")
    expect_state(page, "Одобрена рабочей группой")


def office_sends_to_the_governance_body(page, screenshot) -> None:
    log_in(page, "office")
    go_to(page, "Координационный совет")
    sending = page.locator("form").filter(has_text=TITLE)
    sending.get_by_label("Примечание").fill("К ближайшему заседанию Совета.")
    confirm(page, sending.get_by_role("button", name="Направить в Координационный совет"))

    expect_message(page, "Заявка направлена в Координационный совет.")
    expect_state(page, "На рассмотрении Координационного совета")


def secretary_runs_the_meeting(page, screenshot, held_on) -> None:
    log_in(page, "secretary")
    go_to(page, "Заседания")
    page.get_by_role("link", name="Запланировать заседание").click()
    page.get_by_label("Орган").select_option(label=Body.objects.get(code="council").name_ru)
    page.get_by_label("Дата и время").fill(f"{held_on.isoformat()}T15:00")
    page.get_by_label("Место").fill("API Moscow «Красный Октябрь», зал «Чёрная штора»")
    page.get_by_test_id("plan-meeting").click()

    suggestion = page.get_by_test_id("suggestions").locator("form").filter(has_text=TITLE)
    suggestion.get_by_role("combobox").select_option("approve")
    suggestion.get_by_role("button", name="Включить в повестку").click()
    expect(page.get_by_test_id("agenda-item")).to_contain_text(TITLE)
    confirm(page, page.get_by_role("button", name="Опубликовать повестку"))
    expect(page.get_by_test_id("attendance-form")).to_be_visible()
    screenshot("11-agenda-published")
    attendance = page.get_by_test_id("attendance-form")
    for checkbox in attendance.get_by_role("checkbox").all():
        checkbox.check()
    confirm(
        page, attendance.get_by_role("button", name="Заседание проведено: отметить присутствующих")
    )

    expect(page.get_by_test_id("quorum")).to_contain_text("кворум есть")
    page.get_by_test_id("ballot-open-form").get_by_label("Вид голосования").select_option("named")
    page.get_by_role("button", name="Открыть голосование").click()
    page.get_by_role("button", name="Все за (единогласно, открытым голосованием)").click()
    expect(page.get_by_test_id("agenda-item")).to_contain_text(
        "Голоса: за 3, против 0, воздержались 0."
    )
    decision = page.get_by_test_id("decision-form")
    decision.get_by_label("Формулировка решения").fill("Утвердить проект и включить в программу.")
    confirm(page, decision.get_by_role("button", name="Закрыть голосование и записать решение"))

    expect(page.get_by_test_id("item-result")).to_have_attribute("data-result", "adopted")
    screenshot("12-meeting-decision")


def programme_version_is_approved_and_its_pdf_names_the_project(
    page, screenshot, decided_on
) -> None:
    log_in(page, "office")
    go_to(page, "Программа")
    page.get_by_role("button", name="Начать новую версию").click()
    expect(page.get_by_test_id("check-passed")).to_be_visible(timeout=LONG)
    expect(page.get_by_role("main")).to_contain_text(TITLE)  # the registry of projects
    screenshot("13-version-drafting")
    decide(page, "decision-send_to_governance")
    expect(page.get_by_test_id("version-state")).to_have_attribute(
        "data-state", "governance_review"
    )
    version_url = page.url

    log_in(page, "council-chair")
    page.goto(version_url)
    decide(
        page, "decision-approve", **{"Номер решения": "9", "Дата решения": decided_on.isoformat()}
    )
    expect(page.get_by_test_id("version-state")).to_have_attribute("data-state", "approved")
    expect(page.get_by_test_id("decision")).to_contain_text(f"№ 9 от {decided_on:%d.%m.%Y}")
    screenshot("14-version-approved")
    page.get_by_test_id("request-programme-pdf").click()
    page.wait_for_url("**/documents/*/")
    job = RenderJob.objects.get(kind=RenderJob.Kind.PROGRAMME)
    pipeline.render_job(job.pk, task_id="browser-full-journey")  # as the worker would
    link = page.get_by_test_id("document-download")
    link.wait_for(timeout=LONG)
    screenshot("15-programme-pdf")
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert TITLE in text
    assert ORGANISATION in text


def author_reads_the_decision(page, screenshot, reference: str) -> None:
    log_in(page, AUTHOR["Электронная почта"], AUTHOR_PASSWORD)
    go_to(page, "Мои заявки")
    expect(row_of(page, TITLE)).to_contain_text("Утверждена")
    row_of(page, TITLE).get_by_role("link", name=TITLE).click()

    expect_state(page, "Утверждена")
    expect(page.get_by_test_id("decision")).to_contain_text(f"Решение: {reference}")
    expect(page.get_by_test_id("versions")).to_contain_text("Версия 2")
    screenshot("16-author-reads-the-decision")


# --- Tests -----------------------------------------------------------------------------------
def test_author_signs_up_and_the_project_reaches_the_approved_programme(
    world, patient, page, screenshot, pdf_file
):
    held_on = timezone.localdate()
    reference = f"протокол № 1 от {held_on:%d.%m.%Y}, п. 1"  # the meeting's minutes, item 1

    author_signs_up_and_confirms_the_address(page, screenshot)
    office_confirms_the_organisation(page, screenshot)
    author_drafts_attaches_and_submits(page, screenshot, world, pdf_file)
    chair_assigns_two_experts(page, screenshot)
    for username in EXPERTS:
        expert_reviews(page, screenshot, username, recommendation="Доработать", round_=1)
    chair_returns_it_for_revision(page, screenshot)
    author_answers_the_remark_and_resubmits(page, screenshot, world)
    for username in EXPERTS:
        expert_reviews(page, screenshot, username, recommendation="Одобрить", round_=2)
    chair_approves_in_the_group(page, screenshot)
    office_sends_to_the_governance_body(page, screenshot)
    secretary_runs_the_meeting(page, screenshot, held_on)
    proposal = Proposal.objects.get(title=TITLE)
    assert proposal.state == Proposal.State.APPROVED
    ready_programme(world.people, projects=0)  # every section approved, financing matching
    programme_version_is_approved_and_its_pdf_names_the_project(page, screenshot, held_on)
    author_reads_the_decision(page, screenshot, reference)

    proposal.refresh_from_db()
    assert proposal.decision_reference == reference
    assert proposal.round == 2
    assert proposal.organisation.status == Organisation.Status.CONFIRMED
    assert [a.original_name for a in proposal.attachments.all()] == ["Бизнес-план.pdf"]
    assert sorted(
        (r.round, r.expert.username, r.recommendation) for r in proposal.reviews.all()
    ) == [
        (1, "expert2", "revise"),
        (1, "expert3", "revise"),
        (2, "expert2", "approve"),
        (2, "expert3", "approve"),
    ]
    assert [(r.text, r.answer) for r in proposal.remarks.all()] == [(REMARK, ANSWER)]
    assert sorted((b.year, b.source, int(b.amount)) for b in proposal.budget_lines.all()) == [
        (2027, "own", 12_000_000),
        (2028, "city", 5_000_000),
        (2029, "city", 8_000_000),
    ]
    assert Meeting.objects.get().state == Meeting.State.HELD
    assert ProgrammeVersion.objects.get().state == ProgrammeVersion.State.APPROVED


@pytest.fixture
def english_world(media):
    load_cluster_directory()
    organisation = OrganisationFactory(name_ru="ООО «Пробиотика»", name_en="Probiotika LLC")
    # The colleague the office named as the organisation's contact: confirms who works there.
    organisation.contact = UserFactory(username="kuznetsov", organisation=organisation)
    organisation.save(update_fields=["contact"])
    call = CallFactory(title_ru="Отбор якорных проектов", title_en="Anchor projects 2027–2029")
    return SimpleNamespace(
        organisation=organisation, call=call, direction=Direction.objects.get(code="pharma")
    )


def test_author_signs_up_drafts_and_submits_in_english(english_world, patient, page, screenshot):
    world = english_world
    address = "alina@probiotika.ru"
    page.goto("/accounts/login/")
    page.get_by_test_id("lang-en").click()
    expect(heading(page)).to_have_text("Log in")
    page.get_by_role("link", name="Sign up").click()

    expect(heading(page)).to_have_text("Sign up as a project author")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Last name").fill("Stepanova")
    page.get_by_label("First name").fill("Alina")
    page.get_by_label("E-mail").fill(address)
    field(page, "Organisation").select_option(label=world.organisation.name_en)
    field(page, "Password").fill(AUTHOR_PASSWORD)
    page.get_by_label("Password again").fill(AUTHOR_PASSWORD)
    screenshot("01-signup-en")
    page.get_by_role("button", name="Sign up").click()

    expect(heading(page)).to_have_text("Confirm your e-mail")
    page.goto(confirmation_path(address))
    page.get_by_role("button", name="Confirm my e-mail address").click()
    expect_message(page, "Your e-mail address is confirmed. You can log in now.")
    page.get_by_label("Username").fill(address)
    page.get_by_label("Password").fill(AUTHOR_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/")
    expect(heading(page)).to_have_text("Welcome, Alina")
    expect(page.get_by_role("status")).to_contain_text(
        "Your membership of Probiotika LLC awaits confirmation by the programme office or the "
        "organisation's contact person."
    )

    go_to(page, "Calls")
    page.get_by_role("link", name=world.call.title_en).click()
    page.get_by_role("link", name="New proposal").click()
    expect(heading(page)).to_have_text("New anchor-project proposal")
    page.get_by_label("Title of the project").fill("Probiotic starter cultures")
    page.get_by_label("Priority direction").select_option(label=world.direction.name_en)
    page.get_by_role("button", name="Create the draft").click()

    expect_message(page, "The draft is created. Only you and your co-authors see it.")
    expect(heading(page)).to_have_text("Edit the proposal")
    page.get_by_label("Summary").fill("Starter cultures for Moscow dairies.")
    page.get_by_label("Goals and objectives").fill("Replace imported starter cultures.")
    page.get_by_label("Description of the project", exact=True).fill("Strains, a pilot line.")
    page.get_by_label("Technology readiness level").fill("6")
    page.get_by_label("Expected results").fill("20 t of starter cultures a year.")
    budget = page.get_by_role("group", name="Budget", exact=True)
    for row, (year, source, amount) in enumerate(
        [
            (world.call.years[0], "own funds", "1200000"),
            (world.call.years[-1], "city of Moscow", "800000"),
        ]
    ):
        budget.get_by_label("Year").nth(row).select_option(str(year))
        budget.get_by_label("Source").nth(row).select_option(label=source)
        budget.get_by_label("Amount, roubles").nth(row).fill(amount)
    indicators = page.get_by_role("group", name="Target indicators", exact=True)
    indicators.get_by_label("Indicator", exact=True).first.fill("Output")
    indicators.get_by_label("Unit").first.fill("t")
    indicators.get_by_label("Baseline").first.fill("0")
    indicators.get_by_label(str(world.call.years[-1]), exact=True).first.fill("20")
    milestones = page.get_by_role("group", name="Milestones", exact=True)
    milestones.get_by_label("Milestone", exact=True).first.fill("Pilot batch")
    milestones.get_by_label("Date").first.fill(f"{world.call.years[0]}-09-30")
    page.get_by_role("button", name="Save and close").click()

    expect_message(page, "The proposal is saved.")
    expect_state(page, "Draft")
    screenshot("02-draft-en")
    draft_path = urlsplit(page.url).path

    log_in(page, "kuznetsov")  # the contact confirms that Alina works there
    page.goto("/directory/memberships/")
    row = page.get_by_role("row").filter(has_text="Stepanova")
    row.get_by_role("button", name="Подтвердить").click()
    expect(
        page.get_by_role("alert").filter(has_text="Подтверждено: Stepanova Alina")
    ).to_be_visible()
    log_in(page, address, AUTHOR_PASSWORD)
    page.get_by_test_id("lang-en").click()
    expect(heading(page)).to_have_text("Welcome, Alina")
    expect(page.get_by_role("status")).to_have_count(0)  # the membership is confirmed
    page.goto(draft_path)
    page.get_by_role("link", name="Submit", exact=True).click()
    expect(page.get_by_test_id("complete")).to_have_text("The proposal is complete.")
    confirm(page, page.get_by_role("button", name="Submit to the working group"))

    expect_message(page, "The proposal is submitted to the working group.")
    expect_state(page, "Submitted")
    screenshot("03-submitted-en")
    proposal = Proposal.objects.get(title="Probiotic starter cultures")
    assert proposal.state == Proposal.State.SUBMITTED
    assert proposal.author.language == "en"
    assert proposal.budget_lines.count() == 2
