"""A proposal's content as plain data: frozen into versions, compared between versions and
checked for completeness before submission."""

import datetime
import difflib
import hashlib
import itertools
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents import questions
from documents.models import BudgetLine, Proposal

# The scalar fields of the content, in the order of the form, with their labels.
TEXT_FIELDS = [
    "title",
    "summary",
    "goals",
    "description",
    "readiness_level",
    "expected_results",
    "investors_and_partners",
    "contact_name",
    "contact_email",
    "contact_phone",
]
REQUIRED_FIELDS = [
    "title",
    "summary",
    "goals",
    "description",
    "readiness_level",
    "expected_results",
    "contact_name",
    "contact_email",
]
LIST_LABELS = {
    "infrastructure_groups": gettext_lazy("infrastructure groups it also concerns"),
    "services": gettext_lazy("needed services"),
    "budget_lines": gettext_lazy("budget lines"),
    "indicators": gettext_lazy("target indicators"),
    "requested_instruments": gettext_lazy("requested support instruments"),
    "milestones": gettext_lazy("milestones"),
    "attachments": gettext_lazy("attachments"),
}


def snapshot(proposal: Proposal) -> dict:
    """Everything a reviewer reads, child rows included, as JSON-ready data."""
    data = {name: getattr(proposal, name) for name in TEXT_FIELDS}
    data["organisation"] = proposal.organisation.name_ru
    data["direction"] = proposal.direction.name_ru
    data["infrastructure_groups"] = sorted(g.name_ru for g in proposal.infrastructure_groups.all())
    data["services"] = sorted(s.name_ru for s in proposal.services.all())
    data["budget_lines"] = [
        {"year": line.year, "source": line.source, "amount": str(line.amount)}
        for line in proposal.budget_lines.order_by("year", "source")
    ]
    data["indicators"] = [
        {
            "name": i.name,
            "unit": i.unit,
            "baseline": str(i.baseline),
            "targets": {str(k): str(v) for k, v in sorted(i.targets.items())},
        }
        for i in proposal.indicators.all()
    ]
    data["requested_instruments"] = [
        {"instrument": r.instrument.name_ru, "justification": r.justification}
        for r in proposal.requested_instruments.select_related("instrument")
    ]
    data["milestones"] = [
        {"name": m.name, "due_on": m.due_on.isoformat()} for m in proposal.milestones.all()
    ]
    data["attachments"] = [
        {"name": a.original_name, "sha256": a.sha256} for a in proposal.attachments.current()
    ]
    # Only where the call asks questions: the content of every other proposal, and its hash,
    # stay as they were before calls had questions.
    answers = questions.snapshot_answers(proposal)
    if answers:
        data["answers"] = answers
    return data


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class Change:
    label: str
    before: str
    after: str
    lines: list[str] = field(default_factory=list)  # unified diff of long texts


def _label(name: str) -> str:
    if name in LIST_LABELS:
        return str(LIST_LABELS[name])
    if name in ("organisation", "direction"):
        return str(Proposal._meta.get_field(name).verbose_name)
    return str(Proposal._meta.get_field(name).verbose_name)


def _shown(value) -> str:
    """A value of a snapshot as a person reads it: an ISO date (a milestone's) as ДД.ММ.ГГГГ."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return datetime.date.fromisoformat(value).strftime("%d.%m.%Y")
        except ValueError:
            pass
    return str(value)


def _as_text(value) -> str:
    if isinstance(value, list):
        return "\n".join(
            "; ".join(_shown(v) for v in item.values()) if isinstance(item, dict) else str(item)
            for item in value
        )
    return "" if value is None else str(value)


def diff(before: dict, after: dict) -> list[Change]:
    """What changed between two snapshots, field by field, in the order of the form."""
    names = [*TEXT_FIELDS, "organisation", "direction", *LIST_LABELS]
    changes = []
    for name in names:
        old, new = _as_text(before.get(name)), _as_text(after.get(name))
        if old == new:
            continue
        lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1))[2:]
        changes.append(Change(_label(name), old, new, lines))
    changes.extend(_answer_changes(before.get("answers", []), after.get("answers", [])))
    return changes


def _answer_changes(before: list[dict], after: list[dict]) -> list[Change]:
    """Answers to the call's questions, labelled with the question's text (that of the later
    version where the question is in both)."""
    old = {row["question"]: row for row in before}
    new = {row["question"]: row for row in after}
    changes = []
    for pk in [*new, *(pk for pk in old if pk not in new)]:
        row = new.get(pk) or old[pk]
        was = questions.answer_text(old[pk]) if pk in old else ""
        now = questions.answer_text(new[pk]) if pk in new else ""
        if was == now:
            continue
        lines = list(difflib.unified_diff(was.splitlines(), now.splitlines(), lineterm="", n=1))
        changes.append(Change(questions.label_of(row), was, now, lines[2:]))
    return changes


def completeness_problems(proposal: Proposal) -> list[str]:
    """What stands in the way of submitting, in the user's language; empty when complete."""
    problems = []
    for name in REQUIRED_FIELDS:
        value = getattr(proposal, name)
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            label = Proposal._meta.get_field(name).verbose_name
            problems.append(_("Fill in “%(field)s”.") % {"field": label})
    lines = list(proposal.budget_lines.all())
    years = set(proposal.call.years)
    if not lines:
        problems.append(_("Add at least one budget line."))
    outside = sorted({line.year for line in lines if line.year not in years})
    if outside:
        problems.append(
            _("Budget years %(years)s are outside the call's years %(first)s–%(last)s.")
            % {
                "years": ", ".join(map(str, outside)),
                "first": proposal.call.first_year,
                "last": proposal.call.last_year,
            }
        )
    if lines and sum((line.amount for line in lines), Decimal(0)) <= 0:
        problems.append(_("The budget's total must be above zero."))
    milestones = list(proposal.milestones.all())
    if not milestones:
        problems.append(_("Add at least one milestone."))
    for earlier, later in itertools.pairwise(milestones):
        if later.due_on < earlier.due_on:
            problems.append(
                _("Milestone “%(later)s” is dated before “%(earlier)s”: put them in order.")
                % {"later": later.name, "earlier": earlier.name}
            )
    for indicator in proposal.indicators.all():
        missing = [y for y in proposal.call.years if str(y) not in indicator.targets]
        if missing and len(missing) == len(years):
            problems.append(
                _("Indicator “%(name)s” has no target for any year.") % {"name": indicator.name}
            )
    if not proposal.indicators.exists():
        problems.append(_("Add at least one target indicator."))
    answers = questions.answers_of(proposal)
    for question in questions.questions_of(proposal):
        if question.required and not questions.is_answered(answers.get(question.pk)):
            problems.append(_("Answer the question “%(question)s”.") % {"question": question.text})
    return problems


def budget_table(proposal_or_lines, years: list[int]) -> dict:
    """Budget as rows by source and columns by year, with totals (for pages and PDFs)."""
    lines = (
        list(proposal_or_lines.budget_lines.all())
        if isinstance(proposal_or_lines, Proposal)
        else list(proposal_or_lines)
    )
    cells = {(line.source, line.year): line.amount for line in lines}
    rows = []
    for source, label in BudgetLine.Source.choices:
        amounts = [cells.get((source, year), Decimal(0)) for year in years]
        rows.append({"label": label, "amounts": amounts, "total": sum(amounts, Decimal(0))})
    column_totals = [sum((r["amounts"][i] for r in rows), Decimal(0)) for i in range(len(years))]
    return {
        "years": years,
        "rows": rows,
        "totals": column_totals,
        "grand_total": sum(column_totals, Decimal(0)),
    }


def readable(content: dict, call) -> dict:
    """A content snapshot (live or frozen) as templates/documents/_proposal_content.html draws
    it, on the pages and in the project passport."""
    lines = [
        BudgetLine(year=row["year"], source=row["source"], amount=Decimal(row["amount"]))
        for row in content.get("budget_lines", [])
    ]
    years = sorted(set(call.years) | {line.year for line in lines})
    return {
        "content": content,
        "years": years,
        "budget": budget_table(lines, years),
        "indicators": [
            {**row, "targets": [row["targets"].get(str(year), "") for year in years]}
            for row in content.get("indicators", [])
        ],
        "milestones": [
            {"name": row["name"], "due_on": datetime.date.fromisoformat(row["due_on"])}
            for row in content.get("milestones", [])
        ],
        # Filter the content first (questions.visible_content): readable() shows what it gets.
        "answers": [
            {"question": questions.label_of(row), "answer": questions.answer_text(row)}
            for row in content.get("answers", [])
        ],
    }
