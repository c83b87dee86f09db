"""What the verification says about a document it recognises, beyond its signatures: each app
that issues a kind of signed document registers, in its AppConfig.ready(), how to describe it
(which object and decision it was issued under, whether it still stands, whether a newer one
exists). signing/ knows no app above it; it looks the kind up here at call time."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Description:
    subject: str  # «Программа развития МБК, версия 3»
    decision: str = ""  # what it was issued under: «решение управляющего совета № 5 от …»
    standing: str = ""  # whether it still stands: «действует» / «заменена версией 4»
    newer: str = ""  # «Есть более новая утверждённая версия: 4 …»; "" when none
    url: str = ""  # where a signed-in reader finds the object
    notes: list[str] = field(default_factory=list)


_describers: dict[str, Callable] = {}


def register(kind: str, describe: Callable) -> None:
    """`describe(issued: IssuedDocument) -> Description`; the issued row's subject may be gone
    (the describer then says so)."""
    _describers[kind] = describe


def describe(issued) -> Description | None:
    describer = _describers.get(issued.kind)
    return describer(issued) if describer else None


def subject_of(issued):
    """The object the document was issued for, or None once it is gone."""
    model = issued.subject_type.model_class()
    return model.objects.filter(pk=issued.subject_id).first() if model else None


def verify_and_describe(data: bytes):
    """The verification's whole answer, the same on the page, in the API and in
    `manage.py verify_pdf`: the report, and for a document of ours what its app says of it."""
    from signing.verify import verify_pdf

    report = verify_pdf(data)
    return report, (describe(report.issued) if report.issued else None)
