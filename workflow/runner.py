"""The one path of every state change (shared/STYLE.md): lock → stale check → state check
(409) → rule (403) → the service's own checks → transition → save → audit → permission sync →
notices, whose e-mails leave after commit.

A service opens a change, checks what only it knows, runs the transition and finishes:

    change = runner.begin(Proposal, proposal_id, by=by, seen=seen_edition,
                          transition="approve_in_group", rule=rules.can_decide_in_group)
    ...                                  # the service's own checks (ActionRefusedError: 409)
    change.transition()                  # the django-fsm-2 method: sets the object's fields
    change.finish("approved_in_group", comment=note)

Every object that changes this way carries its optimistic-lock counter as `edition`. Apps
register their models (what the audit entry records of them, what follows every change) from
their AppConfig.ready()."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django_fsm import TransitionNotAllowed, can_proceed

from directory.rules import require
from mbk.exceptions import StaleObjectError
from workflow import audit


@dataclass(frozen=True)
class Kind:
    """What the runner needs to know of a model whose objects change state."""

    audit_fields: Callable[[models.Model], dict]  # e.g. the content's hash
    after_change: Callable[[models.Model], None] | None  # e.g. permissions in step
    select_related: tuple[str, ...]


_KINDS: dict[type[models.Model], Kind] = {}


def register(
    model: type[models.Model],
    *,
    audit_fields: Callable[[models.Model], dict] = lambda obj: {},
    after_change: Callable[[models.Model], None] | None = None,
    select_related: Iterable[str] = (),
) -> None:
    """Called by the app that owns `model`, from its AppConfig.ready()."""
    _KINDS[model] = Kind(audit_fields, after_change, tuple(select_related))


def kind_of(model: type[models.Model]) -> Kind:
    try:
        return _KINDS[model]
    except KeyError:
        raise LookupError(
            f"{model.__name__} is not registered with workflow.runner (its app's ready())"
        ) from None


class Change:
    """One change of one locked object by one person, inside the service's transaction."""

    def __init__(self, obj: models.Model, by, transition: str | None) -> None:
        self.obj = obj
        self.by = by
        self.name = transition
        self.from_state = obj.state

    def transition(self, **kwargs) -> None:
        """Run the transition the change was opened for (it sets the object's fields only)."""
        getattr(self.obj, self.name)(**kwargs)

    def finish(self, action: str, *, bump: bool = True, **entry) -> None:
        """Save as a new edition (unless `bump` is false: an entry about the object that changes
        none of its fields, such as a review), append the audit entry and run what the model's
        app asked to follow every change (e.g. object permissions brought in step)."""
        kind = kind_of(type(self.obj))
        if bump:
            self.obj.edition += 1
            self.obj.save()
        audit.record(
            self.obj,
            actor=self.by,
            action=action,
            from_state=self.from_state,
            to_state=self.obj.state,
            **{**kind.audit_fields(self.obj), **entry},
        )
        if kind.after_change is not None:
            kind.after_change(self.obj)


def lock(model: type[models.Model], pk: int, seen: int | None = None) -> models.Model:
    """The object, locked for the transaction; a stale edition is refused (409)."""
    kind = kind_of(model)
    obj = model.objects.select_for_update().select_related(*kind.select_related).get(pk=pk)
    if seen is not None and seen != obj.edition:
        raise StaleObjectError
    return obj


def begin(
    model: type[models.Model],
    pk: int,
    *,
    by,
    rule: Callable[..., bool],
    seen: int | None = None,
    transition: str | Callable[[models.Model], str] | None = None,
    states: Iterable[str] | None = None,
) -> Change:
    """Lock the object and refuse, in this order: a stale edition (409), a state the transition
    (or, for a change that is not a transition, `states`) does not allow (409), a person the
    rule does not allow (403). `transition` may be a function of the object naming it."""
    obj = lock(model, pk, seen)
    if callable(transition):
        transition = transition(obj)
    if transition is not None and not can_proceed(getattr(obj, transition)):
        raise TransitionNotAllowed(f"{transition} is not allowed from {obj.state}", object=obj)
    if states is not None and obj.state not in set(states):
        raise TransitionNotAllowed(f"not allowed while {obj.state}", object=obj)
    require(rule, by, obj)
    return Change(obj, by, transition)
