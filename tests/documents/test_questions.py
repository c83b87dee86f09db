"""Questions of a call beyond the proposal form (documents/questions.py): the office manages
them (any change before the call opens; once open, only new optional ones), authors answer them
in the draft's form, and the answers freeze with each version, show in its differences, are
demanded by the completeness check, printed in the passport (save office-only ones) and travel
through the XLSX template and import."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from directory.models import Direction, Organisation
from documents import imports, questions, transitions
from documents.content import completeness_problems, diff, snapshot
from documents.models import Answer, CallQuestion, Proposal
from documents.pdf.sources import PASSPORT
from documents.questions import QuestionData
from documents.services import answers_update
from mbk.exceptions import ActionRefusedError
from tests.documents.test_pdf_render import html_of, pdf_of
from tests.factories import CallFactory, draft_proposal
from workflow import audit

Kind = CallQuestion.Kind
COLOURS = [
    {"code": "red", "label_ru": "Красный", "label_en": "Red"},
    {"code": "green", "label_ru": "Зелёный", "label_en": "Green"},
]


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "ru"
    return client


def as_user(client, user):
    client.force_login(user)
    return client


def future_call():
    today = timezone.localdate()
    return CallFactory(
        opens_on=today + datetime.timedelta(days=5), closes_on=today + datetime.timedelta(days=40)
    )


def ask(call, office, text="Есть ли патент?", **fields) -> CallQuestion:
    """A question added through the service; before the call opens unless told otherwise."""
    data = QuestionData(text_ru=text, kind=fields.pop("kind", Kind.TEXT), **fields)
    return questions.question_add(call_id=call.pk, by=office, data=data)


def opened(call) -> None:
    type(call).objects.filter(pk=call.pk).update(
        opens_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    call.refresh_from_db()


def question_state(call) -> list:
    return list(
        call.questions.order_by("position", "pk").values_list("text_ru", "required", "position")
    )


# --- The office's services -------------------------------------------------------------------
@pytest.mark.django_db
def test_question_add_before_opening_is_audited_on_the_call(office, cluster):
    call = future_call()

    question = ask(call, office, required=True, kind=Kind.CHOICE, choices=COLOURS)

    assert question_state(call) == [("Есть ли патент?", True, 0)]
    assert question.choices == COLOURS
    assert [(e.action, e.comment) for e in audit.history(call)] == [
        ("question_added", "Есть ли патент?")
    ]


@pytest.mark.django_db
def test_question_edit_and_delete_before_opening_change_the_call(office, cluster):
    call = future_call()
    first, second = ask(call, office, "Первый"), ask(call, office, "Второй")

    questions.question_edit(
        question_id=first.pk, by=office, data=QuestionData(text_ru="Первый исправлен", kind="text")
    )
    questions.questions_reorder(call_id=call.pk, by=office, order=[second.pk, first.pk])
    questions.question_delete(question_id=second.pk, by=office)

    assert question_state(call) == [("Первый исправлен", False, 1)]
    assert [e.action for e in audit.history(call)] == [
        "question_added",
        "question_added",
        "question_edited",
        "questions_reordered",
        "question_deleted",
    ]


@pytest.mark.django_db
def test_question_add_after_opening_takes_an_optional_one(office, cluster):
    call = CallFactory()

    ask(call, office, "Дополнительно", required=False)

    assert question_state(call) == [("Дополнительно", False, 0)]


@pytest.mark.parametrize("change", ["add_required", "edit", "delete", "reorder"])
@pytest.mark.django_db
def test_question_change_after_opening_is_refused_and_changes_nothing(office, cluster, change):
    call = future_call()
    question = ask(call, office, "Старый")
    opened(call)
    entries = audit.history(call).count()

    changes = {
        "add_required": lambda: ask(call, office, "Новый", required=True),
        "edit": lambda: questions.question_edit(
            question_id=question.pk, by=office, data=QuestionData(text_ru="Новый", kind="text")
        ),
        "delete": lambda: questions.question_delete(question_id=question.pk, by=office),
        "reorder": lambda: questions.questions_reorder(
            call_id=call.pk, by=office, order=[question.pk]
        ),
    }

    with pytest.raises(ActionRefusedError) as refusal:
        changes[change]()

    assert str(refusal.value) == str(questions.LOCKED_MESSAGE)
    assert question_state(call) == [("Старый", False, 0)]
    assert audit.history(call).count() == entries


@pytest.mark.django_db
def test_question_add_by_an_author_is_forbidden(author, cluster):
    call = future_call()

    with pytest.raises(PermissionDenied):
        ask(call, author)

    assert call.questions.count() == 0


@pytest.mark.django_db
def test_question_add_with_one_choice_is_refused(office, cluster):
    call = future_call()

    with pytest.raises(ActionRefusedError) as refusal:
        ask(call, office, kind=Kind.CHOICE, choices=COLOURS[:1])

    assert str(refusal.value) == "Для вопроса с вариантами нужно не меньше двух вариантов."
    assert call.questions.count() == 0


# --- Pages of the office -----------------------------------------------------------------------
@pytest.mark.django_db
def test_question_add_page_creates_a_question_for_one_direction(client, office, cluster):
    call = future_call()
    pharma = Direction.objects.get(code="pharma")

    response = as_user(client, office).post(
        f"/calls/{call.pk}/questions/new/",
        {
            "text_ru": "Цвет упаковки",
            "kind": "choice",
            "choices": "red | Красный | Red\ngreen | Зелёный",
            "required": "on",
            "directions": [pharma.pk],
            "visibility": "office",
        },
    )

    assert response.status_code == 302
    question = call.questions.get()
    assert (question.kind, question.required, question.office_only) == ("choice", True, True)
    assert question.choices == [
        {"code": "red", "label_ru": "Красный", "label_en": "Red"},
        {"code": "green", "label_ru": "Зелёный", "label_en": ""},
    ]
    assert list(question.directions.all()) == [pharma]


@pytest.mark.django_db
def test_question_add_page_shows_field_errors_in_russian(client, office, cluster):
    call = future_call()

    response = as_user(client, office).post(
        f"/calls/{call.pk}/questions/new/", {"text_ru": "", "kind": "choice", "choices": "a | А"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "text_ru": ["Обязательное поле."],
        "choices": ["Для вопроса с вариантами нужно не меньше двух вариантов."],
        "visibility": ["Обязательное поле."],
    }
    assert call.questions.count() == 0


@pytest.mark.django_db
def test_question_edit_page_of_an_open_call_is_409_in_russian(client, office, cluster):
    call = future_call()
    question = ask(call, office, "Старый")
    opened(call)

    response = as_user(client, office).post(
        f"/questions/{question.pk}/edit/",
        {"text_ru": "Новый", "kind": "text", "visibility": "reviewers"},
    )

    assert response.status_code == 409
    assert "Приём заявок уже открыт" in response.content.decode()
    assert question_state(call) == [("Старый", False, 0)]


@pytest.mark.django_db
def test_question_pages_are_forbidden_to_an_author(client, author, office, cluster):
    call = future_call()
    question = ask(call, office, "Старый")
    client = as_user(client, author)

    answers = [
        client.get(f"/calls/{call.pk}/questions/new/").status_code,
        client.post(f"/questions/{question.pk}/edit/", {"text_ru": "Х"}).status_code,
        client.post(f"/questions/{question.pk}/delete/").status_code,
        client.post(f"/questions/{question.pk}/move/", {"to": "up"}).status_code,
    ]

    assert answers == [403, 403, 403, 403]
    assert question_state(call) == [("Старый", False, 0)]


@pytest.mark.django_db
def test_question_move_page_swaps_two_questions(client, office, cluster):
    call = future_call()
    ask(call, office, "Первый")
    second = ask(call, office, "Второй")

    response = as_user(client, office).post(f"/questions/{second.pk}/move/", {"to": "up"})

    assert response.status_code == 302
    assert [t for t, _r, _p in question_state(call)] == ["Второй", "Первый"]


@pytest.mark.django_db
def test_call_page_hides_office_only_questions_from_authors(client, author, office, cluster):
    call = future_call()
    ask(call, office, "Открытый вопрос")
    ask(call, office, "Служебный вопрос", visibility="office")

    author_html = as_user(client, author).get(f"/calls/{call.pk}/").content.decode()
    office_html = as_user(client, office).get(f"/calls/{call.pk}/").content.decode()

    assert "Открытый вопрос" in author_html
    assert "Служебный вопрос" not in author_html
    assert "Служебный вопрос" in office_html
    assert f'href="/calls/{call.pk}/questions/new/"' in office_html
    assert f'href="/calls/{call.pk}/questions/new/"' not in author_html


# --- The authors' answers ----------------------------------------------------------------------
@pytest.fixture
def asked(office, cluster):
    """A call (not yet open for question changes) with one question of each kind but file,
    one of them office-only and one for another direction."""
    call = future_call()
    made = {
        "text": ask(call, office, "Опишите патенты", required=True),
        "number": ask(call, office, "Число сотрудников", kind=Kind.NUMBER),
        "choice": ask(call, office, "Цвет", kind=Kind.CHOICE, choices=COLOURS),
        "multiple": ask(call, office, "Цвета", kind=Kind.MULTIPLE, choices=COLOURS),
        "yes_no": ask(call, office, "Есть ли лаборатория?", kind=Kind.YES_NO),
        "office": ask(call, office, "Служебная отметка", visibility="office"),
        "ecology": ask(
            call, office, "Объём отходов", directions=[Direction.objects.get(code="ecology")]
        ),
    }
    type(call).objects.filter(pk=call.pk).update(
        opens_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    call.refresh_from_db()
    return call, made


def edit_form(client, proposal, **changes) -> dict:
    from tests.documents.test_authoring_views import edit_data

    return edit_data(client, proposal, **changes)


@pytest.mark.django_db
def test_edit_form_offers_the_questions_of_the_direction_with_their_widgets(client, author, asked):
    call, made = asked
    proposal = draft_proposal(author, call=call)

    response = as_user(client, author).get(f"/proposals/{proposal.pk}/edit/")

    main = response.context["edit"].main
    fields = {
        name: type(main.fields[name]).__name__
        for name in main.fields
        if name.startswith("question_")
    }
    assert fields == {
        f"question_{made['text'].pk}": "CharField",
        f"question_{made['number'].pk}": "AmountField",
        f"question_{made['choice'].pk}": "ChoiceField",
        f"question_{made['multiple'].pk}": "MultipleChoiceField",
        f"question_{made['yes_no'].pk}": "NullBooleanField",
        f"question_{made['office'].pk}": "CharField",
    }
    assert main.required_answers == {f"question_{made['text'].pk}"}
    assert "Опишите патенты" in response.content.decode()
    assert "Объём отходов" not in response.content.decode()


@pytest.mark.django_db
def test_edit_form_saves_the_answers_as_json(client, author, asked):
    call, made = asked
    proposal = draft_proposal(author, call=call)
    client = as_user(client, author)
    data = edit_form(
        client,
        proposal,
        **{
            f"question_{made['text'].pk}": "Два патента РФ.",
            f"question_{made['number'].pk}": "12,50",
            f"question_{made['choice'].pk}": "green",
            f"question_{made['multiple'].pk}": ["green", "red"],
            f"question_{made['yes_no'].pk}": "false",
        },
    )

    response = client.post(f"/proposals/{proposal.pk}/edit/", data)

    assert response.status_code == 302
    stored = {a.question_id: a.value for a in Answer.objects.filter(proposal=proposal)}
    assert stored == {
        made["text"].pk: "Два патента РФ.",
        made["number"].pk: "12.5",
        made["choice"].pk: "green",
        made["multiple"].pk: ["red", "green"],
        made["yes_no"].pk: False,
    }


@pytest.mark.django_db
def test_edit_form_refuses_a_choice_the_question_lacks(client, author, asked):
    call, made = asked
    proposal = draft_proposal(author, call=call)
    client = as_user(client, author)
    data = edit_form(client, proposal, **{f"question_{made['choice'].pk}": "blue"})

    response = client.post(f"/proposals/{proposal.pk}/edit/", data)

    assert response.status_code == 200
    assert response.context["edit"].main.errors[f"question_{made['choice'].pk}"] == [
        "Выберите корректный вариант. blue нет среди допустимых значений."
    ]
    assert not Answer.objects.filter(proposal=proposal).exists()


@pytest.mark.django_db
def test_completeness_asks_for_the_required_answer(author, asked):
    call, made = asked
    proposal = draft_proposal(author, call=call)

    before = completeness_problems(proposal)
    answers_update(
        proposal_id=proposal.pk,
        by=author,
        answers={made["text"].pk: "Два патента."},
        seen_edition=proposal.edition,
    )
    after = completeness_problems(Proposal.objects.get(pk=proposal.pk))

    assert before == ["Ответьте на вопрос «Опишите патенты»."]
    assert after == []


@pytest.mark.django_db
def test_snapshot_freezes_the_answers_and_the_diff_labels_them_with_the_question(
    author, chair, expert, asked
):
    call, made = asked
    proposal = draft_proposal(author, call=call)
    answers_update(
        proposal_id=proposal.pk,
        by=author,
        answers={made["text"].pk: "Два патента.", made["office"].pk: "Внутреннее"},
        seen_edition=proposal.edition,
    )
    transitions.proposal_submit(proposal_id=proposal.pk, by=author)
    transitions.proposal_assign_experts(proposal_id=proposal.pk, by=chair, experts=[expert])
    first = proposal.versions.get(number=1).content
    changed = {
        **first,
        "answers": [
            {**row, "value": "Три патента."} if row["question"] == made["text"].pk else row
            for row in first["answers"]
        ],
    }

    changes = diff(first, changed)

    assert [(row["text_ru"], row["value"]) for row in first["answers"]] == [
        ("Опишите патенты", "Два патента."),
        ("Число сотрудников", None),
        ("Цвет", None),
        ("Цвета", None),
        ("Есть ли лаборатория?", None),
        ("Служебная отметка", "Внутреннее"),
    ]
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("Опишите патенты", "Два патента.", "Три патента.")
    ]


@pytest.mark.django_db
def test_snapshot_of_a_call_without_questions_has_no_answers_key(author, cluster):
    proposal = draft_proposal(author)

    assert "answers" not in snapshot(proposal)


@pytest.mark.django_db
def test_proposal_page_hides_office_only_answers_from_the_expert(
    client, author, chair, expert, office, asked
):
    call, made = asked
    proposal = draft_proposal(author, call=call)
    answers_update(
        proposal_id=proposal.pk,
        by=author,
        answers={made["text"].pk: "Два патента.", made["office"].pk: "Внутреннее"},
        seen_edition=proposal.edition,
    )
    transitions.proposal_submit(proposal_id=proposal.pk, by=author)
    transitions.proposal_assign_experts(proposal_id=proposal.pk, by=chair, experts=[expert])

    expert_html = as_user(client, expert).get(f"/proposals/{proposal.pk}/").content.decode()
    version_html = client.get(f"/proposals/{proposal.pk}/versions/1/").content.decode()
    office_html = as_user(client, office).get(f"/proposals/{proposal.pk}/").content.decode()

    assert "Два патента." in expert_html
    assert "Служебная отметка" not in expert_html
    assert "Внутреннее" not in expert_html
    assert "Внутреннее" not in version_html
    assert "Служебная отметка" in office_html
    assert "Внутреннее" in office_html


@pytest.mark.django_db
def test_passport_prints_answers_but_not_office_only_ones(author, asked):
    call, made = asked
    proposal = draft_proposal(author, call=call)
    answers_update(
        proposal_id=proposal.pk,
        by=author,
        answers={
            made["text"].pk: "Два патента.",
            made["yes_no"].pk: True,
            made["office"].pk: "Внутреннее",
        },
        seen_edition=proposal.edition,
    )
    transitions.proposal_submit(proposal_id=proposal.pk, by=author)

    _reader, text = pdf_of(PASSPORT, Proposal.objects.get(pk=proposal.pk))

    assert "Вопросы приёма заявок" in text
    assert "Опишите патенты Два патента." in text
    assert "Есть ли лаборатория? да" in text
    assert "Служебная отметка" not in text
    assert "Внутреннее" not in html_of(PASSPORT, proposal)


# --- XLSX template and import ------------------------------------------------------------------
@pytest.fixture
def importer(author, organisation):
    Organisation.objects.filter(pk=organisation.pk).update(inn="7712345671", status="confirmed")
    author.email = "author@example.ru"
    author.save()
    return author


def filled(call, rows: list[dict]) -> SimpleUploadedFile:
    book = load_workbook(io.BytesIO(imports.template(call)))
    sheet = book["Заявки"]
    header = [cell.value for cell in sheet[1]]
    for row in rows:
        sheet.append([row.get(column, "") for column in header])
    output = io.BytesIO()
    book.save(output)
    return SimpleUploadedFile("заявки.xlsx", output.getvalue())


@pytest.mark.django_db
def test_import_template_has_a_column_per_question(asked):
    call, _made = asked

    book = load_workbook(io.BytesIO(imports.template(call)))

    header = [cell.value for cell in book["Заявки"][1]]
    assert [h for h in header if h.startswith("Вопрос: ")] == [
        "Вопрос: Опишите патенты",
        "Вопрос: Число сотрудников",
        "Вопрос: Цвет",
        "Вопрос: Цвета",
        "Вопрос: Есть ли лаборатория?",
        "Вопрос: Служебная отметка",
        "Вопрос: Объём отходов",
    ]
    assert [row[3].value for row in book["Вопросы"].iter_rows(min_row=4, max_row=4)] == [
        "red — Красный; green — Зелёный"
    ]


@pytest.mark.django_db
def test_import_roundtrip_stores_the_answers(importer, office, asked):
    call, made = asked
    upload = filled(
        call,
        [
            {
                "ИНН организации": "7712345671",
                "E-mail автора": "author@example.ru",
                "Направление (код)": "pharma",
                "Название проекта": "Биоаналоги антител",
                "Вопрос: Опишите патенты": "Два патента.",
                "Вопрос: Число сотрудников": "1 200",
                "Вопрос: Цвет": "Зелёный",
                "Вопрос: Цвета": "red; Зелёный",
                "Вопрос: Есть ли лаборатория?": "да",
            }
        ],
    )

    results = imports.proposals_import(call_id=call.pk, by=office, upload=upload, dry_run=False)

    assert [r.errors for r in results] == [[]]
    proposal = Proposal.objects.get(call=call)
    stored = {a.question_id: a.value for a in proposal.answers.all()}
    assert stored == {
        made["text"].pk: "Два патента.",
        made["number"].pk: "1200",
        made["choice"].pk: "green",
        made["multiple"].pk: ["red", "green"],
        made["yes_no"].pk: True,
    }


@pytest.mark.django_db
def test_import_names_a_bad_answer_and_writes_nothing(importer, office, asked):
    call, _made = asked
    upload = filled(
        call,
        [
            {
                "ИНН организации": "7712345671",
                "E-mail автора": "author@example.ru",
                "Направление (код)": "pharma",
                "Название проекта": "Биоаналоги антител",
                "Вопрос: Есть ли лаборатория?": "может быть",
                "Вопрос: Объём отходов": "10 т",
            }
        ],
    )

    results = imports.proposals_import(call_id=call.pk, by=office, upload=upload, dry_run=False)

    assert results[0].errors == [
        "Вопрос: Есть ли лаборатория?: укажите «да» или «нет».",
        "Вопрос: Объём отходов: вопрос не относится к этому направлению.",
    ]
    assert not Proposal.objects.filter(call=call).exists()
