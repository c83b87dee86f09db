"""A save that lost the race: the person's form against the proposal as it is saved now.

The service refuses a form drawn from an older edition (StaleObjectError); the edit page then
draws the form again with the current edition, and this module decides what it holds, unit by
unit — a field of the main form, or a whole table (formset):

- equal on both sides: nothing to decide;
- changed on one side only (the page carries a digest of every unit as it was drawn, `base`):
  that side is taken, and the page says so;
- changed on both sides: a conflict — the field keeps the person's text, the saved version is
  shown beside it, and the person takes either or edits a merged text.

Nothing the person typed is dropped unless only the other side changed it."""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from documents.forms import ProposalEditForms
from documents.models import Proposal

MINE, CURRENT = "mine", "current"


# --- Plain values of a form -----------------------------------------------------------------
def _plain(value):
    if isinstance(value, QuerySet | list | tuple | set):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, QuerySet | set) else items
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in sorted(value.items())}
    return value


def _digest(value) -> str:
    canonical = json.dumps(_plain(value), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _kept(formset) -> list[forms.Form]:
    return [
        form
        for form in formset.forms
        if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def _table_value(formset) -> list[dict]:
    return [
        {name: form.cleaned_data.get(name) for name in form.fields if name != "DELETE"}
        for form in _kept(formset)
    ]


def units(edit: ProposalEditForms) -> dict[str, object]:
    """Every unit of a valid edit form as plain, comparable data: main fields by name, tables
    by their prefix."""
    values = {
        name: _plain(value)
        for name, value in edit.main.cleaned_data.items()
        if name not in ("edition", "base")
    }
    for section in edit.sections:
        values[section.formset.prefix] = _plain(_table_value(section.formset))
    return values


def digests(edit: ProposalEditForms) -> str:
    """What the page carries in its `base` field: a digest of every unit as drawn."""
    return json.dumps({name: _digest(value) for name, value in units(edit).items()})


def _read_base(text: str) -> dict[str, str]:
    try:
        base = json.loads(text or "{}")
    except ValueError:
        return {}
    return base if isinstance(base, dict) else {}


# --- The proposal as the page would post it -------------------------------------------------
def _form_data(form: forms.BaseForm, data: QueryDict) -> None:
    for bound in form:
        if bound.name == "base":
            continue  # read by the page after this: its value is set once computed
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple | QuerySet):
            data.setlist(bound.html_name, [str(getattr(v, "pk", v)) for v in value])
        elif value is not None:
            shown = widget.format_value(getattr(value, "pk", value))
            if isinstance(shown, list):  # a select's
                data.setlist(bound.html_name, shown)
            else:
                data[bound.html_name] = "" if shown is None else str(shown)


def posted(edit: ProposalEditForms, prefix: str | None = None) -> QueryDict:
    """An unbound edit form's values as the browser would send them back: the whole form, or
    only the table with `prefix`."""
    data = QueryDict(mutable=True)
    if prefix is None:
        _form_data(edit.main, data)
    for section in edit.sections:
        formset = section.formset
        if prefix in (None, formset.prefix):
            _form_data(formset.management_form, data)
            for form in formset.forms:
                _form_data(form, data)
    return data


def take_current_tables(data: QueryDict, proposal: Proposal) -> QueryDict:
    """The posted form with every table the person chose to take as saved (keep-<prefix> =
    current) replaced by the saved rows."""
    chosen = [key[len("keep-") :] for key, v in data.items() if key.startswith("keep-")]
    chosen = [prefix for prefix in chosen if data.get(f"keep-{prefix}") == CURRENT]
    if not chosen:
        return data
    data = data.copy()
    current = ProposalEditForms(None, proposal=proposal)
    for prefix in chosen:
        if prefix not in {s.formset.prefix for s in current.sections}:
            continue
        for key in [k for k in data if k.startswith(f"{prefix}-")]:
            del data[key]
        data.update(posted(current, prefix))
    return data


# --- The comparison -------------------------------------------------------------------------
@dataclass
class Unit:
    name: str
    label: str
    outcome: str  # "conflict", "mine" (only the person changed it), "current" (only others did)
    mine: object = None
    current: object = None
    is_table: bool = False
    headers: list[str] = field(default_factory=list)

    @property
    def is_conflict(self) -> bool:
        return self.outcome == "conflict"

    @property
    def choices(self) -> list[tuple[str, object, str]]:
        """A table's two versions with what the page calls them."""
        return [
            (MINE, self.mine, _("Keep my table")),
            (CURRENT, self.current, _("Keep the saved table")),
        ]


@dataclass
class Merge:
    data: QueryDict  # what the re-drawn form holds
    units: list[Unit]

    @property
    def conflicts(self) -> list[Unit]:
        return [u for u in self.units if u.is_conflict]

    @property
    def resolved(self) -> list[Unit]:
        return [u for u in self.units if not u.is_conflict]

    def of(self, name: str) -> Unit | None:
        return next((u for u in self.units if u.name == name), None)


def _shown(bound_form: forms.BaseForm, name: str):
    """A main field's value as the comparison shows it: labels for choices."""
    value = bound_form.cleaned_data.get(name)
    if isinstance(value, QuerySet | list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _shown_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _shown_table(formset) -> list[list[str]]:
    return [
        [_shown_cell(form.cleaned_data.get(n)) for n in form.fields if n != "DELETE"]
        for form in _kept(formset)
    ]


def reconcile(data: QueryDict, proposal: Proposal) -> Merge:
    """The person's valid but stale form `data` against the proposal as saved now."""
    mine = ProposalEditForms(data, proposal=proposal)
    current_data = posted(ProposalEditForms(None, proposal=proposal))
    current = ProposalEditForms(current_data, proposal=proposal)
    if not (mine.is_valid() and current.is_valid()):
        # Cannot compare (the form no longer fits, e.g. the call's years changed): keep all
        # the person typed as conflicts of every field.
        mine_units, current_units = {}, {}
    else:
        mine_units, current_units = units(mine), units(current)
    base = _read_base(data.get("base", ""))
    merged = data.copy()
    result = []
    for name in [*mine.main.fields, *(s.formset.prefix for s in mine.sections)]:
        if name in ("edition", "base"):
            continue
        theirs, saved = mine_units.get(name), current_units.get(name)
        if mine_units and theirs == saved:
            continue
        if mine_units and base.get(name) == _digest(theirs):
            outcome = CURRENT
        elif mine_units and base.get(name) == _digest(saved):
            outcome = MINE
        else:
            outcome = "conflict"
        section = next((s for s in mine.sections if s.formset.prefix == name), None)
        if section is None:
            unit = Unit(
                name=name,
                label=str(mine.main.fields[name].label),
                outcome=outcome,
                mine=_shown(mine.main, name) if mine_units else data.get(name, ""),
                current=_shown(current.main, name) if mine_units else current_data.get(name, ""),
            )
            if outcome == CURRENT:
                merged.setlist(name, current_data.getlist(name))
        else:
            formset = section.formset
            unit = Unit(
                name=name,
                label=str(section.title),
                outcome=outcome,
                is_table=True,
                headers=[
                    str(f.label) for f in formset.empty_form.visible_fields() if f.name != "DELETE"
                ],
                mine=_shown_table(formset) if mine_units else [],
                current=_shown_table(current.sections[mine.sections.index(section)].formset)
                if mine_units
                else [],
            )
            if outcome == CURRENT:
                for key in [k for k in merged if k.startswith(f"{name}-")]:
                    del merged[key]
                merged.update(posted(ProposalEditForms(None, proposal=proposal), name))
        result.append(unit)
    merged["edition"] = str(proposal.edition)
    merged["base"] = digests(current) if mine_units else ""
    for key in [k for k in merged if k.startswith("keep-")]:
        del merged[key]
    return Merge(data=merged, units=result)


def drawn_base(edit: ProposalEditForms, proposal: Proposal) -> str:
    """The `base` of the unbound page `edit`, drawn from the proposal as saved now."""
    current = ProposalEditForms(posted(edit), proposal=proposal)
    return digests(current) if current.is_valid() else ""


def annotate(edit: ProposalEditForms, merge: Merge) -> None:
    """Hang each compared unit on the field or the table the page draws it with."""
    for unit in merge.units:
        if unit.is_table:
            for section in edit.sections:
                if section.formset.prefix == unit.name:
                    section.merge = unit
        elif unit.name in edit.main.fields:
            edit.main[unit.name].merge = unit
