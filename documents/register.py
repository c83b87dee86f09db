"""The register of proposals (реестр заявок): every proposal of a call that the person may see,
filtered, sorted and exported as a spreadsheet. One query builds the rows whatever their number
(the score, the review count, the deadline and the conflict of interest are subqueries).

What the register shows is what `visible_proposals(user)` gives, drafts left out (they are
their authors' business). The mean score of the current round is shown, filtered and sorted on
only where the person may read the reviews' outcome: not on a proposal where they have a
conflict of interest (own organisation, authorship or a declaration, as rules.has_conflict)."""

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Round
from django.utils import timezone, translation

from directory.models import Body, Direction, Organisation
from directory.rules import is_signed_in
from documents import questions, search
from documents.models import Answer, Call, ConflictDeclaration, Proposal, Review
from documents.selectors import _listed, _with_review_counts, visibility, visible_proposals
from mbk.expressions import Quantized
from workflow.models import Deadline

State = Proposal.State
# More rows than this are not written into one spreadsheet: the person narrows the filters.
EXPORT_LIMIT = 10_000

# The columns a person sorts by (?sort=name, or -name for the reverse), in the order of the
# table. The proposal's number (its pk) breaks ties.
SORTS = {
    "number": "pk",
    "title": "title",
    "organisation": "organisation__name_ru",
    "state": "state_order",
    "submitted": "submitted_at",
    "score": "score",
    "due": "due_on",
}
DEFAULT_SORT = "number"


@dataclass(frozen=True)
class Filters:
    """What the register is narrowed to; empty values narrow nothing."""

    call: Call | None
    direction: Direction | None = None
    group: Body | None = None
    states: tuple[str, ...] = ()
    organisation: Organisation | None = None
    overdue: bool = False
    score_min: Decimal | None = None
    score_max: Decimal | None = None
    text: str = ""
    sort: str = DEFAULT_SORT

    def whole_call(self) -> bool:
        """Nothing but the call narrows the rows (their order aside)."""
        narrowing = (self.direction, self.group, self.states, self.organisation, self.text)
        bounds = (self.score_min, self.score_max)
        return not (any(narrowing) or self.overdue or any(b is not None for b in bounds))


@dataclass(frozen=True)
class CallSummary:
    """What the register reads of a call whatever its filters: the organisations of the
    proposals the person may see (the organisation filter's choices, by name) and how many
    those proposals are (the pager's total while nothing else narrows them)."""

    organisations: list[Organisation]
    proposals: int


def calls() -> list[Call]:
    """Every call, the latest first (the register's choice of call)."""
    return list(Call.objects.order_by("-opens_on", "-pk"))


def default_call(among: list[Call] | None = None) -> Call | None:
    """The latest call open today, else the latest call (`among`: calls() read already)."""
    today = timezone.localdate()
    among = calls() if among is None else among
    open_today = (c for c in among if c.opens_on <= today <= c.closes_on)
    return next(open_today, None) or next(iter(among), None)


def _conflicted(user) -> Q:
    coauthored = Proposal.coauthors.through.objects.filter(proposal=OuterRef("pk"), user=user)
    declared = ConflictDeclaration.objects.filter(proposal=OuterRef("pk"), person=user)
    conflict = Q(author=user) | Q(Exists(coauthored)) | Q(Exists(declared))
    if user.organisation_id is not None:
        conflict |= Q(organisation_id=user.organisation_id)
    return conflict


def _mean_score():
    of_round = (
        Review.objects.filter(proposal=OuterRef("pk"), round=OuterRef("round"))
        .order_by()
        .values("proposal")
        .annotate(mean=Round(Avg("weighted_score"), 2))
        .values("mean")
    )
    return Subquery(of_round, output_field=DecimalField(max_digits=4, decimal_places=2))


def _due_on():
    open_deadlines = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Proposal),
        object_id=OuterRef("pk"),
        closed_at=None,
    ).order_by("due_on")
    return Subquery(open_deadlines.values("due_on")[:1])


SCORE = DecimalField(max_digits=4, decimal_places=2)


def _read_by_everyone(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """What the register reads of each row whoever opens it: `due_on` (the earliest open
    deadline of the proposal's stay in its state), `state_order`, and the round's mean score
    as an alias, masked for the person by _with_score()."""
    return proposals.alias(mean_score=_mean_score()).annotate(
        due_on=_due_on(),
        state_order=Case(
            *[When(state=value, then=Value(n)) for n, value in enumerate(State.values)],
            output_field=IntegerField(),
        ),
    )


@functools.lru_cache(maxsize=4)
def _rows_read_by_everyone(proposal_type_id: int) -> QuerySet[Proposal]:
    """_read_by_everyone() of every proposal with its review count and related rows, built
    once per process (never evaluated itself: each request filters a clone); its expressions
    name no person, no time and no call, only the proposal's content type (the key)."""
    return _listed(_read_by_everyone(_with_review_counts(Proposal.objects.all())))


def _with_score(user, proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Adds `score`: the round's mean, None where the person has a conflict of interest."""
    masked = Case(
        When(_conflicted(user), then=Value(None, output_field=SCORE)),
        default=F("mean_score"),
        output_field=SCORE,
    )
    return proposals.annotate(score=Quantized(masked, SCORE))


def _ordering(sort: str) -> list:
    name = sort.removeprefix("-")
    field = SORTS.get(name, SORTS[DEFAULT_SORT])
    descending = sort.startswith("-")
    expression = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return [expression, "-pk" if descending else "pk"]


def rows(user, filters: Filters, today: datetime.date | None = None) -> QuerySet[Proposal]:
    """The register's proposals for these filters, in their order."""
    if filters.call is None or not is_signed_in(user):
        return Proposal.objects.none()
    proposal_type = ContentType.objects.get_for_model(Proposal)
    proposals = (
        _rows_read_by_everyone(proposal_type.pk)
        .filter(visibility(user), call=filters.call)
        .exclude(state=State.DRAFT)
    )
    if filters.direction:
        proposals = proposals.filter(direction=filters.direction)
    if filters.group:
        proposals = proposals.filter(group=filters.group)
    if filters.states:
        proposals = proposals.filter(state__in=filters.states)
    if filters.organisation:
        proposals = proposals.filter(organisation=filters.organisation)
    proposals = _with_score(user, proposals)
    if filters.overdue:
        proposals = proposals.filter(due_on__lt=today or timezone.localdate())
    if filters.score_min is not None:
        proposals = proposals.filter(score__gte=filters.score_min)
    if filters.score_max is not None:
        proposals = proposals.filter(score__lte=filters.score_max)
    if filters.text:
        proposals = search.matching_proposals(proposals, filters.text)
    return proposals.order_by(*_ordering(filters.sort))


def call_summary(user, call: Call | None) -> CallSummary:
    """The call's proposals the person may see, counted by organisation: the visibility filter
    runs once for the filter's choices and the pager's total (it ran for each of them), then
    the organisations by their keys. (Grouped by every column of the organisation in one
    query, it took twice as long: 23 ms at 8 500 proposals.)"""
    if call is None:
        return CallSummary(organisations=[], proposals=0)
    seen = visible_proposals(user).filter(call=call).exclude(state=State.DRAFT)
    counts = dict(seen.order_by().values_list("organisation").annotate(n=Count("pk")))
    return CallSummary(
        organisations=list(Organisation.objects.filter(pk__in=counts).order_by("name_ru")),
        proposals=sum(counts.values()),
    )


# --- The spreadsheet -----------------------------------------------------------------------
HEADER = [
    "№",
    "Заявка",
    "Организация",
    "Направление",
    "Рабочая группа",
    "Состояние",
    "Подана",
    "Отзывов",
    "Средний балл",
    "Срок",
]


def table(proposals) -> list[list]:
    """The header and one row per proposal, as the page shows them (Russian whatever the
    reader's language, as the programme's exports)."""
    lines = [HEADER]
    with translation.override("ru"):
        for p in proposals:
            lines.append(
                [
                    p.pk,
                    p.title,
                    p.organisation.name_ru,
                    p.direction.name_ru,
                    p.group.name_ru,
                    str(p.get_state_display()),
                    timezone.localtime(p.submitted_at).date() if p.submitted_at else None,
                    p.reviews_in,
                    float(p.score) if p.score is not None else None,
                    p.due_on,
                ]
            )
    return lines


def answers_table(user, call: Call | None, proposals) -> list[list] | None:
    """The answers to the call's questions (those the person may read), one row per proposal
    in the register's order, as they stand now; None when the register is not of one call or
    the call asks no questions. Two queries, whatever the number of rows."""
    if call is None:
        return None
    asked = list(questions.visible_questions(user, call))
    if not asked:
        return None
    proposals = list(proposals)
    given = {
        (a.proposal_id, a.question_id): a
        for a in Answer.objects.filter(
            proposal__in=[p.pk for p in proposals], question__in=asked
        ).select_related("attachment")
    }
    lines = [["№", "Название", *[q.text_ru for q in asked]]]
    with translation.override("ru"):
        for p in proposals:
            texts = [
                questions.answer_text(questions.snapshot_answers_row(q, given.get((p.pk, q.pk))))
                for q in asked
            ]
            lines.append([p.pk, p.title, *texts])
    return lines


def workbook(user, filters: Filters, proposals) -> dict[str, list[list]]:
    """The register's spreadsheet: the rows as the page shows them and, for one call that asks
    questions, the answers on a sheet of their own."""
    sheets = {"Реестр заявок": table(proposals)}
    answers = answers_table(user, filters.call, proposals)
    if answers is not None:
        sheets["Ответы на вопросы"] = answers
    return sheets
