"""One table per model of the transitions people run on it (shared/STYLE.md): for each its
name, label, style, the rule that allows it, the parameters it takes and the service that runs
it. The pages (buttons and their dispatch), the API (`…/transitions/`), meetings' decisions and
the permission-matrix tests read these tables; an action's name appears in the model, its
table and its service, nowhere else."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Param:
    """A parameter a transition takes, in the words every caller uses. `kind` says how it is
    read: "text" (several lines), "line" (one line), "texts" (a list of texts), "people"
    (user names), "scores" (criterion code → 1..5), "choice" (one of `choices`), "date"."""

    name: str
    kind: str = "text"
    required: bool = True
    max_length: int | None = None
    choices: tuple = ()
    help_text: str = ""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    rule: Callable[[Any, models.Model], bool]  # may this person run it on this object now
    run: Callable[..., models.Model]  # run(obj, by=, seen=, **params): calls the service
    params: tuple[Param, ...] = ()
    style: str = "outline-primary"
    seen: str = "edition"  # the counter the caller saw: "edition", or "version" (of content)
    decision: tuple[str, str] | None = None  # (body kind, outcome) a meeting's decision runs
    page: str = ""  # where the pages offer it (a page of several transitions names them all)
    form: type | None = None  # the page's form for its parameters (its params() gives them)
    offered: Callable[[Any, models.Model], bool] | None = None  # narrower, for buttons only

    def allows(self, user, obj) -> bool:
        return self.rule(user, obj) and (self.offered is None or self.offered(user, obj))

    def take(self, values: dict) -> dict:
        """The values of this transition's parameters among `values` (absent ones left out)."""
        names = {param.name for param in self.params}
        return {name: value for name, value in values.items() if name in names}

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

    def available(self, user, obj, *, page: str | None = None) -> list[Transition]:
        """The transitions this person may run on the object now (on one page, if given)."""
        rows = self.rows if page is None else [row for row in self.rows if row.page == page]
        return [row for row in rows if row.allows(user, obj)]

    def on_page(self, page: str) -> list[Transition]:
        return [row for row in self.rows if row.page == page]

    def for_decision(self, body_kind: str, outcome: str) -> Transition | None:
        """The transition a meeting's decision with this outcome runs, for a body of this kind."""
        return next((row for row in self.rows if row.decision == (body_kind, outcome)), None)


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
