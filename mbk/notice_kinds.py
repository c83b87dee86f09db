"""The kinds of notices the system sends, each with a stable key, its default text and the
named placeholders its text may use; the programme office may replace the texts
(workflow.notice_texts).

Every app registers the kinds of its own notices in a module it imports (e.g.
`documents/notice_kinds.py`); this registry sits at the bottom layer so that every app, the
directory and accounts included, can register here. A notice is sent as
`notify(people, actor=..., kind="documents.proposal_submitted", params={...}, ...)`.

Default texts are lazy translatable strings with %(name)s placeholders (the catalogue gives
both languages), or a dict of them by the actor's gender ("male", "female", "neutral") where
Russian verbs agree with it. The office's texts write placeholders as {name}.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# Placeholders every kind offers besides its own.
COMMON = {"link": _("the address of the page the notice leads to")}


@dataclass(frozen=True)
class NoticeKind:
    key: str
    label: object  # lazy: what the notice tells, for the office's list
    text: object  # lazy %(name)s text, or {"male": ..., "female": ..., "neutral": ...}
    placeholders: dict = field(default_factory=dict)  # name -> lazy meaning
    required: tuple = ()  # names an office's text must keep
    example: dict = field(default_factory=dict)  # name -> sample value, for the preview

    @property
    def allowed(self) -> dict:
        return {**self.placeholders, **COMMON}

    def default_text(self, variant: str = ""):
        if isinstance(self.text, dict):
            return self.text.get(variant) or self.text["neutral"]
        return self.text


_kinds: dict[str, NoticeKind] = {}


def register(
    key: str,
    *,
    label,
    text,
    placeholders: dict,
    required: tuple = (),
    example: dict | None = None,
) -> str:
    """Register a kind of notice (once per key, at import) and give back its key."""
    app, _dot, name = key.partition(".")
    if not app or not name:
        raise ValueError(f"A notice kind's key is '<app>.<name>', not {key!r}.")
    if key in _kinds:
        raise ValueError(f"The notice kind {key!r} is registered twice.")
    unknown = set(required) - set(placeholders)
    if unknown:
        raise ValueError(f"{key}: required placeholders {sorted(unknown)} are not its own.")
    _kinds[key] = NoticeKind(
        key, label, text, dict(placeholders), tuple(required), dict(example or {})
    )
    return key


def get(key: str) -> NoticeKind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(
            f"The notice kind {key!r} is not registered: register it in its app's "
            "notice_kinds module (mbk.notice_kinds.register)."
        ) from None


def all_kinds() -> list[NoticeKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.key)
