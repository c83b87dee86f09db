"""One table per model of the transitions people run on it (shared/STYLE.md): for each its
name, label, style, the rule that allows it, the parameters it takes and the service that runs
it. The pages (buttons and their dispatch), the API (`…/transitions/`), meetings' decisions and
the permission-matrix tests read these tables; an action's name appears in the model, its
table and its service, nowhere else."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

# Whose meeting decides (a working group's or the governance body's) and what it decides: the
# outcomes of a meeting's motion (meetings.models.AgendaItem.Outcome).
GROUP, GOVERNANCE = "working_group", "governance"
APPROVE, REJECT, RETURN, REVISE = "approve", "reject", "return", "request_revision"


@dataclass(frozen=True)
class Param:
    """A parameter a transition takes, in the words every caller uses. `kind` says how it is
    read: "text" (several lines), "line" (one line), "texts" (a list of texts), "people"
    (user names), "person" (one user name), "scores" (criterion code → 1..5), "choice" (one
    of `choices`), "date", "datetime", "group" (a sectoral working group, by its code),
    "number" (an object's number, such as another proposal's)."""

    name: str
    kind: str = "text"
    required: bool = True
    max_length: int | None = None
    choices: tuple = ()
    help_text: str = ""
    missing: str = ""  # what a page says when a required one is left empty


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    rule: Callable[[Any, models.Model], bool]  # may this person run it on this object now
    run: Callable[..., models.Model]  # run(obj, by=, seen=, **params): calls the service
    params: tuple[Param, ...] = ()
    style: str = "outline-primary"
    seen: str = "edition"  # the counter the caller saw: "edition", or "version" (of content)
    decisions: tuple[tuple[str, str], ...] = ()  # (whose meeting, outcome) it records
    # The pages that offer it among others: page → (the form's prefix there, the form class,
    # whose params() gives the parameters).
    forms: dict[str, tuple[str, type]] = field(default_factory=dict, hash=False, compare=False)
    offered: Callable[[Any, models.Model], bool] | None = None  # narrower, for buttons only
    done: str = ""  # what the page says once it ran
    # What cannot be undone once it ran, said before (static/js/confirm.js asks the person to
    # confirm it); "" for a transition whose effect can be undone.
    confirm: str = ""

    def allows(self, user, obj) -> bool:
        return self.rule(user, obj) and (self.offered is None or self.offered(user, obj))

    def take(self, values: dict) -> dict:
        """The values of this transition's parameters among `values` (absent ones left out)."""
        names = {param.name for param in self.params}
        return {name: value for name, value in values.items() if name in names}

    @property
    def needs(self) -> list[str]:
        """The names of its parameters (what a page's form asks for)."""
        return [param.name for param in self.params]

    def field_names(self) -> list[str]:
        return [self.seen, *(param.name for param in self.params)]


@dataclass(frozen=True)
class Table:
    model: type[models.Model]
    rows: tuple[Transition, ...] = field(default_factory=tuple)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, name: str) -> Transition:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"{self.model.__name__} has no transition {name!r}")

    def get(self, name: str) -> Transition | None:
        return next((row for row in self.rows if row.name == name), None)

    def names(self) -> list[str]:
        return [row.name for row in self.rows]

    def available(self, user, obj) -> list[Transition]:
        """The transitions this person may run on the object now."""
        return [row for row in self.rows if row.allows(user, obj)]

    def on_page(self, page: str) -> dict[str, tuple[Transition, type]]:
        """The transitions a page offers, by their form's prefix there, with the form class."""
        return {
            row.forms[page][0]: (row, row.forms[page][1]) for row in self.rows if page in row.forms
        }

    def page(self, page: str) -> tuple[Transition, type]:
        """The one transition a page of its own offers, with its form class."""
        offered = list(self.on_page(page).values())
        if len(offered) != 1:
            raise LookupError(f"{page} offers {len(offered)} transitions of {self.model.__name__}")
        return offered[0]

    def for_decision(self, whose: str, outcome: str) -> Transition | None:
        """The transition a meeting's adopted motion runs (`whose`: GROUP or GOVERNANCE)."""
        return next((row for row in self.rows if (whose, outcome) in row.decisions), None)


_TABLES: dict[type[models.Model], Table] = {}


def register(table: Table) -> Table:
    """Called by the app that owns the model, from its AppConfig.ready()."""
    _TABLES[table.model] = table
    return table


def table_of(model_or_obj) -> Table:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    try:
        return _TABLES[model]
    except KeyError:
        raise LookupError(f"{model.__name__} has no transition table (its app's ready())") from None


def all_tables() -> Iterable[Table]:
    return list(_TABLES.values())
