"""Proposals in bulk from the XLSX template the system provides (the programme office receives
proposals by e-mail today). A dry run reads every row and says, per row, what would be created
and every error with its row and column; the import writes nothing unless every row is valid,
and then creates the drafts in one transaction through the authors' own services.

A workbook is read within bounds, so that a small file cannot hold a request for long: its zip
is checked before openpyxl opens it (documents/uploads.py), at most MAX_SHEET_ROWS rows below
the header are read, blank ones included, and no wider than the template; and reading and
checking stop past settings.IMPORT_TIME_BUDGET_SECONDS."""

import io
import time
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import ParseError, XMLPullParser

from django.conf import settings
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from directory import rules as directory_rules
from directory.models import Affiliation, Direction, Organisation
from documents import rules, services
from documents.models import BudgetLine, Call, CallQuestion
from documents.services import ProposalContent
from documents.uploads import UnsafeArchiveError, inflate_all, open_archive
from mbk.exceptions import ActionRefusedError
from mbk.text import CONTROL_CHARACTERS, SINGLE_LINE_MESSAGE
from workflow import audit

MAX_ROWS = 500  # proposals in one file
MAX_SHEET_ROWS = 2 * MAX_ROWS  # rows below the header, blank ones included
TEXT_COLUMNS = [
    ("organisation_inn", "ИНН организации"),
    ("author_email", "E-mail автора"),
    ("direction", "Направление (код)"),
    ("title", "Название проекта"),
    ("summary", "Резюме"),
    ("goals", "Цели и задачи"),
    ("description", "Описание проекта"),
    ("readiness_level", "Уровень готовности технологии (1–9)"),
    ("expected_results", "Ожидаемые результаты"),
    ("contact_name", "Контактное лицо"),
    ("contact_email", "E-mail для связи"),
]
REQUIRED = {"organisation_inn", "author_email", "direction", "title"}


def _budget_columns(call: Call) -> list[tuple[tuple[int, str], str]]:
    with translation.override("ru"):
        return [
            ((year, source), f"{year}, {label}, руб.")
            for year in call.years
            for source, label in BudgetLine.Source.choices
        ]


def _question_columns(call: Call) -> list[tuple[CallQuestion, str]]:
    """One column per question of the call, save file questions (a file is attached on the
    draft's page); after the budget's columns."""
    questions = call.questions.exclude(kind=CallQuestion.Kind.FILE).order_by("position", "pk")
    return [(question, f"Вопрос: {question.text_ru}") for question in questions]


YES = {"да", "yes", "true", "1", "истина"}
NO = {"нет", "no", "false", "0", "ложь"}


def _answer(question: CallQuestion, raw) -> object:
    """A cell's answer to a question as the service stores it; ValueError with the reason."""
    text = _text(raw)
    kind = question.kind
    if kind == CallQuestion.Kind.NUMBER:
        try:
            number = Decimal(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("not a number.")) from None
        if not number.is_finite():
            raise ValueError(_("not a number."))
        return format(number.normalize(), "f")
    if kind == CallQuestion.Kind.YES_NO:
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise ValueError(_("write «да» or «нет»."))
    if kind in CallQuestion.CHOICE_KINDS:
        by_word = {}
        for choice in question.choices:
            by_word[choice["code"].lower()] = choice["code"]
            by_word[choice["label_ru"].lower()] = choice["code"]
        words = [w.strip().lower() for w in text.split(";") if w.strip()]
        if kind == CallQuestion.Kind.CHOICE and len(words) != 1:
            raise ValueError(_("one of the choices (see the sheet «Вопросы»)."))
        unknown = [w for w in words if w not in by_word]
        if unknown:
            raise ValueError(_("not a choice of the question (see the sheet «Вопросы»)."))
        codes = {by_word[w] for w in words}
        if kind == CallQuestion.Kind.CHOICE:
            return by_word[words[0]]
        return [c["code"] for c in question.choices if c["code"] in codes]
    if len(text) > 5000:
        raise ValueError(_("at most 5000 characters."))
    return text


def template(call: Call) -> bytes:
    """The XLSX to fill in: a sheet of proposals with Russian column names, and the codes of
    the call's directions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Заявки"
    sheet.append(
        [label for _key, label in TEXT_COLUMNS]
        + [label for _key, label in _budget_columns(call)]
        + [label for _question, label in _question_columns(call)]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    codes = book.create_sheet("Направления")
    codes.append(["Код", "Направление"])
    for direction in call.directions.all():
        codes.append([direction.code, direction.name_ru])
    asked = _question_columns(call)
    if asked:
        sheet_of_questions = book.create_sheet("Вопросы")
        sheet_of_questions.append(
            ["Столбец", "Вид ответа", "Обязательный", "Варианты (код — текст)"]
        )
        with translation.override("ru"):
            for question, label in asked:
                sheet_of_questions.append(
                    [
                        label,
                        str(question.get_kind_display()),
                        "да" if question.required else "нет",
                        "; ".join(f"{c['code']} — {c['label_ru']}" for c in question.choices),
                    ]
                )
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


@dataclass
class RowResult:
    number: int  # the spreadsheet's row number
    title: str = ""
    organisation: str = ""
    author: str = ""
    budget_total: Decimal = Decimal(0)
    errors: list[str] = field(default_factory=list)
    content: ProposalContent | None = None
    author_user: User | None = None
    direction: Direction | None = None


class _TooSlowError(ActionRefusedError):
    def __init__(self):
        super().__init__(
            _(
                "The file is too large or has too many rows: checking it took longer than "
                "%(seconds)s s. Delete the extra rows at the end of the sheet or split the file."
            )
            % {"seconds": settings.IMPORT_TIME_BUDGET_SECONDS}
        )


def _within(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise _TooSlowError


class _Budgeted(io.BytesIO):
    """The workbook's bytes, refusing to be read past the deadline. openpyxl reads them a few
    kilobytes at a time as it inflates and parses each part, so the budget holds inside its
    parsing too, not only between rows."""

    def __init__(self, data: bytes, deadline: float):
        super().__init__(data)
        self.deadline = deadline

    def read(self, size=-1):
        _within(self.deadline)
        return super().read(size)


def _too_many_rows() -> ActionRefusedError:
    return ActionRefusedError(
        _(
            "The file is too large or has too many rows: the sheet «Заявки» may have at "
            "most %(n)s rows below the header, blank ones included. Delete the extra rows "
            "at the end of the sheet or split the file."
        )
        % {"n": MAX_SHEET_ROWS}
    )


def _count_rows(archive: zipfile.ZipFile, deadline: float) -> None:
    """Refuse a sheet of more than MAX_SHEET_ROWS rows below the header, reading it no further.
    openpyxl reads every sheet that has no <dimension> whole just to learn its size, before a
    single row can be taken from it: this count, stopping at the cap, comes first."""
    last = MAX_SHEET_ROWS + 1
    for name in archive.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        parser, rows = XMLPullParser(events=("end",)), 0
        with archive.open(name) as sheet:
            while chunk := sheet.read(64 * 1024):
                _within(deadline)
                parser.feed(chunk)
                for _event, element in parser.read_events():
                    if element.tag.rpartition("}")[2] != "row":
                        continue
                    rows += 1
                    number = element.get("r", "")
                    if rows > last or (number.isdigit() and int(number) > last):
                        raise _too_many_rows()
                    element.clear()


def _open(upload, deadline: float) -> "openpyxl.worksheet.worksheet.Worksheet":  # noqa: F821
    from openpyxl import load_workbook

    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ActionRefusedError(_("The file is larger than allowed."))
    data = upload.read()
    damaged = _("The workbook cannot be read: it is damaged.")
    try:
        archive = open_archive(data)
    except zipfile.BadZipFile:
        raise ActionRefusedError(
            _("This is not an Excel workbook (.xlsx): download the template and fill it in.")
        ) from None
    except UnsafeArchiveError as unsafe:
        raise ActionRefusedError(str(unsafe)) from None
    try:
        with archive:
            inflate_all(archive, between=lambda: _within(deadline))
            _count_rows(archive, deadline)
    except (ParseError, zipfile.BadZipFile, EOFError, RuntimeError, NotImplementedError) as error:
        raise ActionRefusedError(damaged) from error  # bad XML, checksum, truncated, encrypted
    try:
        book = load_workbook(_Budgeted(data, deadline), read_only=True, data_only=True)
    except _TooSlowError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ActionRefusedError(damaged) from error
    if "Заявки" not in book.sheetnames:
        raise ActionRefusedError(_("The workbook has no sheet «Заявки»: use the template."))
    return book["Заявки"]


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _filled_rows(call: Call, upload) -> list[tuple[int, list]]:
    """The filled rows below the header with their numbers, read within the time budget and the
    caps; the checks against the database come after, on these few rows."""
    deadline = time.monotonic() + settings.IMPORT_TIME_BUDGET_SECONDS
    sheet = _open(upload, deadline)
    expected = (
        [label for _k, label in TEXT_COLUMNS]
        + [label for _key, label in _budget_columns(call)]
        + [label for _question, label in _question_columns(call)]
    )
    # Stop at the cap, and never wider than the template (a cell in column XFD would make
    # every row 16,384 values wide).
    rows = sheet.iter_rows(max_row=MAX_SHEET_ROWS + 2, max_col=len(expected), values_only=True)
    header = [_text(v) for v in next(rows, [])]
    if header[: len(expected)] != expected:
        raise ActionRefusedError(
            _("The columns differ from the template of this call: download it again.")
        )
    filled = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_SHEET_ROWS + 1:
            raise _too_many_rows()
        _within(deadline)
        if not any(_text(v) for v in values):
            continue
        if len(filled) >= MAX_ROWS:
            raise ActionRefusedError(
                _("A file may hold at most %(n)s proposals.") % {"n": MAX_ROWS}
            )
        filled.append((number, list(values)))
    if not filled:
        raise ActionRefusedError(_("The sheet «Заявки» has no filled row."))
    return filled


def read(call: Call, upload) -> list[RowResult]:
    """Every filled row of the template, checked; nothing is written. Refused past
    MAX_SHEET_ROWS rows below the header or settings.IMPORT_TIME_BUDGET_SECONDS of reading."""
    filled = _filled_rows(call, upload)
    directions = {d.code: d for d in call.directions.all()}
    asked = [
        (question, label, {d.pk for d in question.directions.all()})
        for question, label in _question_columns(call)
    ]
    return [_check_row(call, number, values, directions, asked) for number, values in filled]


def _check_row(call: Call, number: int, values: list, directions: dict, asked: list) -> RowResult:
    result = RowResult(number=number)
    labels = dict(TEXT_COLUMNS)
    data = {
        key: _text(values[i]) if i < len(values) else "" for i, (key, _l) in enumerate(TEXT_COLUMNS)
    }

    def error(key: str, message: str) -> None:
        result.errors.append(f"{labels.get(key, key)}: {message}")

    for key in REQUIRED:
        if not data[key]:
            error(key, _("this column is required."))
    result.title = data["title"][:300]
    if len(data["title"]) > 300:
        error("title", _("at most 300 characters."))
    if CONTROL_CHARACTERS.search(data["title"]):  # Alt+Enter in a cell: the title is one line
        error("title", str(SINGLE_LINE_MESSAGE))
    organisation = Organisation.objects.filter(inn=data["organisation_inn"]).first()
    if data["organisation_inn"] and organisation is None:
        error("organisation_inn", _("no organisation with this INN in the directory."))
    elif organisation is not None:
        result.organisation = organisation.name_ru
        if organisation.status != Organisation.Status.CONFIRMED:
            error(
                "organisation_inn", _("the organisation is not confirmed by the programme office.")
            )
    author = User.objects.filter(email__iexact=data["author_email"], is_active=True).first()
    if data["author_email"] and author is None:
        error("author_email", _("no active person with this e-mail."))
    elif author is not None:
        result.author = author.get_full_name()
        if organisation is not None and author.organisation_id != organisation.pk:
            error("author_email", _("the person works for another organisation."))
        elif not rules.can_draft_proposals(author):
            error("author_email", _("the person may not draft proposals."))
        elif directory_rules.affiliation_status(author) != Affiliation.Status.CONFIRMED:
            error(
                "author_email",
                _("the person's membership of the organisation is not confirmed yet."),
            )
    result.author_user = author
    result.direction = directions.get(data["direction"])
    if data["direction"] and result.direction is None:
        error("direction", _("not a direction of this call (see the sheet «Направления»)."))
    level = None
    if data["readiness_level"]:
        try:
            level = int(Decimal(data["readiness_level"]))
            if not 1 <= level <= 9:
                raise ValueError
        except (InvalidOperation, ValueError):
            error("readiness_level", _("a whole number from 1 to 9."))
    if data["contact_email"]:
        try:
            validate_email(data["contact_email"])
        except Exception:
            error("contact_email", _("not an e-mail address."))
    budget = []
    for offset, ((year, source), label) in enumerate(_budget_columns(call)):
        raw = (
            values[len(TEXT_COLUMNS) + offset] if len(TEXT_COLUMNS) + offset < len(values) else None
        )
        if raw in (None, ""):
            continue
        try:
            amount = Decimal(str(raw).replace(" ", "").replace("\u00a0", "").replace(",", "."))
        except InvalidOperation:
            result.errors.append(f"{label}: " + _("not a number."))
            continue
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            result.errors.append(
                f"{label}: " + _("a sum in roubles, not negative, kopecks at most.")
            )
            continue
        if amount:
            budget.append({"year": year, "source": source, "amount": amount})
            result.budget_total += amount
    answers = {}
    first = len(TEXT_COLUMNS) + len(_budget_columns(call))
    for offset, (question, label, only) in enumerate(asked):
        raw = values[first + offset] if first + offset < len(values) else None
        if _text(raw) == "":
            continue
        if only and result.direction is not None and result.direction.pk not in only:
            result.errors.append(f"{label}: " + _("the question does not apply to the direction."))
            continue
        try:
            answers[question.pk] = _answer(question, raw)
        except ValueError as reason:
            result.errors.append(f"{label}: {reason}")
    fields = {
        k: data[k]
        for k in (
            "title",
            "summary",
            "goals",
            "description",
            "expected_results",
            "contact_name",
            "contact_email",
        )
    }
    fields["readiness_level"] = level
    result.content = ProposalContent(
        fields=fields,
        infrastructure_groups=[],
        services=[],
        budget_lines=budget,
        indicators=[],
        requested_instruments=[],
        milestones=[],
        answers=answers,
    )
    return result


@transaction.atomic
def proposals_import(*, call_id: int, by: User, upload, dry_run: bool) -> list[RowResult]:
    """Check every row; unless it is a dry run and only if no row has an error, create the
    drafts for their authors (who complete and submit them), each with an audit entry naming
    the programme office's person who imported it."""
    call = Call.objects.get(pk=call_id)
    rules.require(rules.can_import_proposals, by)
    if not call.is_open():
        raise ActionRefusedError(
            _("The call «%(call)s» is not open; proposals are imported into an open call.")
            % {"call": call}
        )
    results = read(call, upload)
    if dry_run or any(r.errors for r in results):
        return results
    for result in results:
        proposal = services.proposal_create(
            by=result.author_user, call=call, direction=result.direction, title=result.title
        )
        services.proposal_update(
            proposal_id=proposal.pk,
            by=result.author_user,
            content=result.content,
            seen_edition=proposal.edition,
        )
        audit.record(
            proposal,
            actor=by,
            action="imported",
            to_state=proposal.state,
            comment=_("row %(row)s of %(file)s") % {"row": result.number, "file": upload.name},
        )
    return results
