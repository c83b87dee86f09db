"""A draft's content sent as JSON, checked by the very forms of the edit page: the same rules
(years of the call, one budget line per year and source, one request per instrument...) and the
same messages, reported by field ("budget_lines[1].amount")."""

from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from api.serializers import DraftSerializer
from directory.models import Body, Direction, ServiceType, SupportInstrument
from documents.content import TEXT_FIELDS
from documents.forms import ProposalEditForms
from documents.models import Proposal

MAIN_FIELDS = TEXT_FIELDS  # the draft's scalar fields, as the edit page has them
# JSON list -> (the formset's prefix, its fields)
ROWS = {
    "budget_lines": ("budget", ("year", "source", "amount")),
    "indicators": ("indicators", ("name", "unit", "baseline")),
    "requested_instruments": ("instruments", ("instrument", "justification")),
    "milestones": ("milestones", ("name", "due_on")),
}


def _text(value) -> str:
    return "" if value is None else str(value)


def _pks(model, codes, field: str, errors: dict) -> list[str]:
    codes = [_text(code) for code in codes or []]
    found = dict(model.objects.filter(code__in=codes).values_list("code", "pk"))
    unknown = [code for code in codes if code not in found]
    if unknown:
        errors[field] = [_("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}]
    return [str(found[code]) for code in codes if code in found]


def form_data(proposal: Proposal, changes: dict) -> tuple[MultiValueDict, dict]:
    """The edit page's POST data for the draft as it is with `changes` applied, and the
    errors of codes that name nothing."""
    current = DraftSerializer(proposal).data
    merged = {**current, **changes}
    errors: dict[str, list[str]] = {}
    data = MultiValueDict({"edition": [_text(changes.get("edition"))]})
    for name in MAIN_FIELDS:
        data[name] = _text(merged.get(name))
    if proposal.state == Proposal.State.DRAFT:
        direction = Direction.objects.filter(code=_text(merged.get("direction"))).first()
        if direction is None:
            errors["direction"] = [_("Unknown codes: %(codes)s.") % {"codes": merged["direction"]}]
        data["direction"] = str(direction.pk) if direction else ""
    elif "direction" in changes and changes["direction"] != current["direction"]:
        errors["direction"] = [_("The direction cannot change once submitted.")]
    groups = _pks(Body, merged.get("infrastructure_groups"), "infrastructure_groups", errors)
    data.setlist("infrastructure_groups", groups)
    data.setlist("services", _pks(ServiceType, merged.get("services"), "services", errors))
    instruments = [row.get("instrument") for row in merged.get("requested_instruments") or []]
    instrument_pks = dict(
        SupportInstrument.objects.filter(code__in=[_text(c) for c in instruments]).values_list(
            "code", "pk"
        )
    )
    years = [str(year) for year in proposal.call.years]
    for name, (prefix, fields) in ROWS.items():
        rows = merged.get(name) or []
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        # Every row sent is a row to check: none is skipped as an unchanged extra form.
        data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for n, row in enumerate(rows):
            row = row if isinstance(row, dict) else {}
            for field in fields:
                value = row.get(field)
                if name == "requested_instruments" and field == "instrument":
                    value = instrument_pks.get(_text(value), "" if value is None else "0")
                data[f"{prefix}-{n}-{field}"] = _text(value)
            if name == "indicators":
                for year, value in (row.get("targets") or {}).items():
                    if str(year) not in years:
                        errors[f"{name}[{n}].targets.{year}"] = [
                            _("The call's years are %(first)s–%(last)s.")
                            % {"first": years[0], "last": years[-1]}
                        ]
                    data[f"{prefix}-{n}-target_{year}"] = _text(value)
    return data, errors


def form_errors(forms: ProposalEditForms) -> dict[str, list[str]]:
    """The forms' errors under the API's names."""
    errors = {}
    for field, messages in forms.main.errors.items():
        errors["__all__" if field == "__all__" else field] = [str(m) for m in messages]
    formsets = {
        "budget_lines": forms.budget,
        "indicators": forms.indicators,
        "requested_instruments": forms.instruments,
        "milestones": forms.milestones,
    }
    for name, formset in formsets.items():
        for n, form_errors_ in enumerate(formset.errors):
            for field, messages in form_errors_.items():
                key = f"{name}[{n}]" if field == "__all__" else f"{name}[{n}].{field}"
                if field.startswith("target_"):
                    key = f"{name}[{n}].targets.{field.removeprefix('target_')}"
                errors[key] = [str(m) for m in messages]
        if formset.non_form_errors():
            errors[name] = [str(m) for m in formset.non_form_errors()]
    return errors


def check(proposal: Proposal, changes: dict) -> tuple[ProposalEditForms, dict]:
    """The bound forms and every error (empty when the content may be saved)."""
    data, errors = form_data(proposal, changes)
    forms = ProposalEditForms(data, proposal=proposal)
    if not forms.is_valid():
        errors = {**form_errors(forms), **errors}
    return forms, errors
