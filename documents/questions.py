"""Questions of a call beyond the fixed proposal form, and the authors' answers to them.

The programme office manages a call's questions (`can_manage_calls`): before the call opens,
any change; once it has opened, only optional questions may be added — editing or deleting
one, or adding a required one, would change the form under the authors' feet (409). Every
change is recorded in the call's audit trail.

Answers are saved with the draft (documents/services.proposal_update), are part of the
content snapshot (documents/content.py) and so freeze with each version. An answer to an
office-only question is read by the office and the proposal's authors only: `visible_content`
strips them from whatever content others are shown (pages, API, PDF, differences)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from directory.models import Direction
from documents import rules
from documents.models import Answer, Attachment, Call, CallQuestion, Proposal
from mbk.exceptions import ActionRefusedError
from mbk.i18n import bilingual
from workflow import audit

Kind = CallQuestion.Kind

NOT_APPLYING_MESSAGE = gettext_lazy("The question does not apply to the proposal.")
LOCKED_MESSAGE = gettext_lazy(
    "The call is already open: its questions can no longer be changed or deleted, and only "
    "optional questions can be added."
)


# --- Rules of the call's state ---------------------------------------------------------------
def is_locked(call: Call, on: datetime.date | None = None) -> bool:
    """Whether the call has opened: its questions are then fixed, save for new optional ones."""
    return call.opens_on <= (on or timezone.localdate())


def _require_unlocked(call: Call) -> None:
    if is_locked(call):
        raise ActionRefusedError(LOCKED_MESSAGE)


# --- The office's services -------------------------------------------------------------------
@dataclass
class QuestionData:
    """A question as the form or the API gives it (already checked field by field)."""

    text_ru: str
    kind: str
    text_en: str = ""
    help_ru: str = ""
    help_en: str = ""
    choices: list[dict] = field(default_factory=list)  # code, label_ru, label_en
    required: bool = False
    directions: list[Direction] = field(default_factory=list)
    visibility: str = CallQuestion.Visibility.REVIEWERS


def check_choices(kind: str, choices: list[dict]) -> list[dict]:
    """The choices of a choice question in their stored form, or a ValidationError in the
    user's language: at least two, each code once, a Russian label for each."""
    if kind not in CallQuestion.CHOICE_KINDS:
        return []
    cleaned = []
    for choice in choices:
        code = str(choice.get("code", "")).strip()
        label_ru = str(choice.get("label_ru", "")).strip()
        if not code or not label_ru:
            raise ValidationError(_("Every choice needs a code and a Russian label."))
        cleaned.append(
            {
                "code": code,
                "label_ru": label_ru,
                "label_en": str(choice.get("label_en", "")).strip(),
            }
        )
    if len(cleaned) < 2:
        raise ValidationError(_("A choice question needs at least two choices."))
    codes = [c["code"] for c in cleaned]
    if len(codes) != len(set(codes)):
        raise ValidationError(_("Each choice's code must differ from the others."))
    return cleaned


def _apply(question: CallQuestion, data: QuestionData) -> None:
    call_directions = set(question.call.directions.values_list("pk", flat=True))
    if any(d.pk not in call_directions for d in data.directions):
        raise ActionRefusedError(_("The question may name only directions of the call."))
    try:
        choices = check_choices(data.kind, data.choices)
    except ValidationError as error:
        raise ActionRefusedError(error.messages[0]) from None
    for name in ("text_ru", "text_en", "help_ru", "help_en"):
        setattr(question, name, getattr(data, name).strip())
    question.kind = data.kind
    question.choices = choices
    question.required = data.required
    question.visibility = data.visibility
    question.full_clean(exclude=["call", "position"])
    question.save()
    question.directions.set(data.directions)


def _lock_call(call_id: int, by: User) -> Call:
    call = Call.objects.select_for_update().get(pk=call_id)
    rules.require(rules.can_manage_calls, by)
    return call


@transaction.atomic
def question_add(*, call_id: int, by: User, data: QuestionData) -> CallQuestion:
    """Add a question at the end of the call's list. Once the call is open, only an optional
    one (ActionRefusedError otherwise). Audited on the call."""
    call = _lock_call(call_id, by)
    if data.required and is_locked(call):
        raise ActionRefusedError(LOCKED_MESSAGE)
    last = call.questions.order_by("-position").values_list("position", flat=True).first()
    question = CallQuestion(call=call, position=0 if last is None else last + 1)
    _apply(question, data)
    audit.record(call, actor=by, action="question_added", comment=question.text_ru)
    return question


def _lock_question(question_id: int, by: User) -> CallQuestion:
    call_id = CallQuestion.objects.values_list("call_id", flat=True).get(pk=question_id)
    _lock_call(call_id, by)
    return CallQuestion.objects.select_related("call").get(pk=question_id)


@transaction.atomic
def question_edit(*, question_id: int, by: User, data: QuestionData) -> CallQuestion:
    """Change a question of a call that has not opened yet. Audited on the call."""
    question = _lock_question(question_id, by)
    _require_unlocked(question.call)
    _apply(question, data)
    audit.record(question.call, actor=by, action="question_edited", comment=question.text_ru)
    return question


@transaction.atomic
def question_delete(*, question_id: int, by: User) -> Call:
    """Delete a question of a call that has not opened yet. Audited on the call."""
    question = _lock_question(question_id, by)
    call = question.call
    _require_unlocked(call)
    text = question.text_ru
    question.delete()
    audit.record(call, actor=by, action="question_deleted", comment=text)
    return call


@transaction.atomic
def questions_reorder(*, call_id: int, by: User, order: list[int]) -> Call:
    """Put the call's questions in the order of `order` (every question's id once), before the
    call opens. Audited on the call."""
    call = _lock_call(call_id, by)
    _require_unlocked(call)
    questions = {q.pk: q for q in call.questions.all()}
    if sorted(order) != sorted(questions):
        raise ActionRefusedError(_("The new order must list every question of the call once."))
    for position, pk in enumerate(order):
        questions[pk].position = position
    CallQuestion.objects.bulk_update(questions.values(), ["position"])
    audit.record(call, actor=by, action="questions_reordered", comment=", ".join(map(str, order)))
    return call


# --- Reading ---------------------------------------------------------------------------------
def visible_questions(user, call: Call) -> QuerySet[CallQuestion]:
    """A call's questions for whoever sees the call; office-only ones for the office only."""
    questions = call.questions.prefetch_related("directions")
    if not rules.can_manage_calls(user):
        questions = questions.exclude(visibility=CallQuestion.Visibility.OFFICE)
    return questions


def questions_of(proposal: Proposal) -> list[CallQuestion]:
    """The call's questions that apply to the proposal's direction, in their order."""
    return list(
        CallQuestion.objects.filter(call_id=proposal.call_id)
        .filter(Q(directions=None) | Q(directions=proposal.direction_id))
        .distinct()
        .order_by("position", "pk")
    )


def sees_office_only(user, proposal: Proposal) -> bool:
    """The office and the proposal's authors read answers to office-only questions."""
    return rules.can_manage_calls(user) or rules.is_proposal_author(user, proposal)


def visible_content(user, proposal: Proposal, content: dict) -> dict:
    """A content snapshot without the answers the person may not read."""
    if "answers" not in content or sees_office_only(user, proposal):
        return content
    return {**content, "answers": [a for a in content["answers"] if not a["office_only"]]}


def reviewers_content(content: dict) -> dict:
    """A content snapshot as every reader may see it (the passport's single copy)."""
    if "answers" not in content:
        return content
    return {**content, "answers": [a for a in content["answers"] if not a["office_only"]]}


# --- Answers as values -------------------------------------------------------------------------
def stored_value(question: CallQuestion, value) -> object:
    """A form's or the API's cleaned value as the JSON an Answer keeps (None: unanswered)."""
    if value in (None, "", []):
        return None
    if question.kind == Kind.NUMBER:
        return format(Decimal(value).normalize(), "f")
    if question.kind == Kind.YES_NO:
        return bool(value)
    if question.kind == Kind.MULTIPLE:
        return [c["code"] for c in question.choices if c["code"] in set(value)] or None
    if question.kind == Kind.FILE:
        return None  # kept in Answer.attachment
    return value.strip() if isinstance(value, str) else value


def check_value(question: CallQuestion, value, proposal: Proposal) -> object:
    """An answer from the API checked against its question: the stored JSON, the Attachment
    of a file answer, or a ValidationError in the user's language."""
    if value in (None, "", []):
        return None
    kind = question.kind
    codes = [c["code"] for c in question.choices]
    if kind == Kind.TEXT and isinstance(value, str) and len(value) <= 5000:
        return value.strip() or None
    if kind == Kind.NUMBER and not isinstance(value, bool):
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            number = None
        if number is not None and number.is_finite():
            return format(number.normalize(), "f")
    if kind == Kind.YES_NO and isinstance(value, bool):
        return value
    if kind == Kind.CHOICE and value in codes:
        return value
    if kind == Kind.MULTIPLE and isinstance(value, list) and set(value) <= set(codes):
        return [code for code in codes if code in value]
    if kind == Kind.FILE and isinstance(value, int) and not isinstance(value, bool):
        attachment = proposal.attachments.current().filter(pk=value).first()
        if attachment is not None:
            return attachment
        raise ValidationError(_("Choose one of the proposal's attachments."))
    raise ValidationError(_("This answer does not fit the question."))


def save_answers(proposal: Proposal, answers: dict[int, object]) -> None:
    """Replace the answers to the questions named (a question's id → its stored value, or an
    Attachment for a file question); None removes the answer."""
    # Of the whole call: a draft whose direction changes in the same save keeps its answers
    # to the questions of the other direction (they are shown again if it changes back).
    questions = {q.pk: q for q in proposal.call.questions.all()}
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise ActionRefusedError(
            _("These are not questions of the proposal's call: %(ids)s.")
            % {"ids": ", ".join(map(str, unknown))}
        )
    for pk, value in answers.items():
        attachment = value if isinstance(value, Attachment) else None
        if attachment is not None and attachment.proposal_id != proposal.pk:
            raise ActionRefusedError(_("Choose one of the proposal's attachments."))
        if value is None:
            Answer.objects.filter(proposal=proposal, question_id=pk).delete()
            continue
        Answer.objects.update_or_create(
            proposal=proposal,
            question_id=pk,
            defaults={
                "value": None if attachment else value,
                "attachment": attachment,
            },
        )


def answers_of(proposal: Proposal) -> dict[int, Answer]:
    return {a.question_id: a for a in proposal.answers.select_related("attachment").order_by("pk")}


def is_answered(answer: Answer | None) -> bool:
    if answer is None:
        return False
    return answer.attachment_id is not None or answer.value not in (None, "", [])


# --- In the content snapshot -------------------------------------------------------------------
def snapshot_answers(proposal: Proposal) -> list[dict]:
    """The answers to the questions that apply to the proposal, as plain data: the question's
    texts travel with the answer, so a frozen version reads as it was."""
    answers = answers_of(proposal)
    return [snapshot_answers_row(q, answers.get(q.pk)) for q in questions_of(proposal)]


def snapshot_answers_row(question: CallQuestion, answer: Answer | None) -> dict:
    value = None
    if answer is not None and answer.attachment is not None:
        value = {"name": answer.attachment.original_name, "sha256": answer.attachment.sha256}
    elif answer is not None:
        value = answer.value
    row = {
        "question": question.pk,
        "kind": question.kind,
        "text_ru": question.text_ru,
        "text_en": question.text_en,
        "office_only": question.office_only,
        "value": value,
    }
    if question.kind in CallQuestion.CHOICE_KINDS:
        row["labels"] = {
            c["code"]: [c["label_ru"], c.get("label_en", "")] for c in question.choices
        }
    return row


def label_of(row: dict) -> str:
    return bilingual(row["text_ru"], row["text_en"])


def answer_text(row: dict) -> str:
    """A snapshot's answer as a person reads it, in the active language."""
    value = row.get("value")
    if value in (None, "", []):
        return ""
    kind = row["kind"]
    if kind == Kind.YES_NO:
        return _("yes") if value else _("no")
    if kind in CallQuestion.CHOICE_KINDS:
        labels = row.get("labels", {})
        codes = value if isinstance(value, list) else [value]
        return "; ".join(bilingual(*labels.get(code, [code, ""])) for code in codes)
    if kind == Kind.FILE:
        return value.get("name", "") if isinstance(value, dict) else str(value)
    return str(value)
