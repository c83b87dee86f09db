"""The kinds of PDF documents, each registered by the app that owns its subject: who may read
a rendering of it, how its source is built for rendering, and what the job says when its subject
is gone. The pipeline and the job-reading rule know only a job's kind and subject; they look
the kind up here, at call time.

Who registers what, from its AppConfig.ready():
- documents: the proposal's passport and expert conclusion (documents/apps.py);
- programme: the compiled development programme (programme/apps.py);
- meetings: the minutes of a meeting (meetings/apps.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from documents import rules
from documents.models import RenderJob
from documents.pdf.sources import DocumentSource


class UnknownKindError(LookupError):
    """A job of a kind no app registered: a programming error, never the subject being gone."""


@dataclass(frozen=True)
class PdfKind:
    name: str
    # (user, subject) -> bool: ask for, see, download and retry a rendering. The subject is
    # None once it was deleted; the rule then says no.
    may_read: Callable[[Any, Any], bool]
    # (job, subject) -> the HTML to render, in the active language (the job's). Raises
    # LookupError with words for people when a part of the subject it needs is gone.
    build: Callable[[RenderJob, Any], DocumentSource]
    # What the failed job says when its subject no longer exists (a lazy translation).
    gone: str
    # (job, subject, source) -> who signs the rendering (documents/pdf/signatures.py); None:
    # the system's seal alone.
    sign: Callable[[RenderJob, Any, DocumentSource], Any] | None = None


_kinds: dict[str, PdfKind] = {}


def register(
    name: str,
    *,
    may_read: Callable[[Any, Any], bool],
    build: Callable[[RenderJob, Any], DocumentSource],
    gone: str,
    sign: Callable[[RenderJob, Any, DocumentSource], Any] | None = None,
) -> None:
    """Register a kind of document (see the module's docstring for who registers which)."""
    if name not in RenderJob.Kind.values:
        raise ValueError(f"{name!r} is not a RenderJob.Kind")
    _kinds[name] = PdfKind(name=name, may_read=may_read, build=build, gone=gone, sign=sign)


def get(name: str) -> PdfKind:
    try:
        return _kinds[name]
    except KeyError:
        raise UnknownKindError(
            f"No PDF kind {name!r} is registered: the app owning its subject registers it "
            "with documents.pdf.kinds.register() in its AppConfig.ready()"
        ) from None


def can_read_job(user, job: RenderJob) -> bool:
    """See, download and retry a rendering: whoever may read the document it renders; a full
    copy of a proposal's document not by an expert of a blind review, who reads the anonymised
    one (documents.rules.sees_blind)."""
    subject = job.subject
    if not get(job.kind).may_read(user, subject):
        return False
    if job.kind in RenderJob.PROPOSAL_KINDS and not job.anonymised:
        return not rules.sees_blind(user, subject)
    return True
