"""The audit trail and the in-app notices as the layers below the engine see them.

`accounts` and `directory` sit below `workflow` (the engine), so they cannot import its
`audit.record` and `notify.notify`; they call `record()` and `notify()` here instead, with the
same signatures. The engine plugs its implementations in from `WorkflowConfig.ready()`
(workflow/apps.py): `plug(record=audit.record, notify=notify.notify)`. The implementation is
looked up at call time; calling before it is plugged in raises RuntimeError.
"""

from collections.abc import Callable

_implementations: dict[str, Callable] = {}


def plug(*, record: Callable, notify: Callable) -> None:
    """Plug the engine's implementations in. Called once, by workflow's AppConfig.ready()."""
    _implementations.update(record=record, notify=notify)


def _implementation(name: str) -> Callable:
    try:
        return _implementations[name]
    except KeyError:
        raise RuntimeError(
            f"mbk.trail.{name}() has no implementation: the workflow app plugs it in from its "
            "AppConfig.ready() (is 'workflow' in INSTALLED_APPS and are the apps loaded?)"
        ) from None


def record(obj, *, actor, action: str, **fields):
    """Append an entry to the audit trail (workflow.audit.record): call inside the service's
    transaction. `fields`: from_state, to_state, comment, reference, content_sha256."""
    return _implementation("record")(obj, actor=actor, action=action, **fields)


def notify(recipients, *, actor, **kwargs):
    """In-app notices, e-mailed after commit (workflow.notify.notify): to the recipients but
    the actor, whose action they tell of; message, params, url_name, url_kwargs and optionally
    category."""
    return _implementation("notify")(recipients, actor=actor, **kwargs)
