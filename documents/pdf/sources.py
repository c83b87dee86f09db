"""What each PDF document shows: its HTML, built from the frozen content of a proposal version
and from the proposal's recorded decisions, in the language asked for; and a key that changes
whenever that would change, so that asking again for the same document finds its rendering."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from documents import blind as blind_review
from documents import opinions
from documents.content import readable
from documents.models import Proposal, ProposalVersion, RenderJob
from documents.pdf.signatures import SigningPlan
from documents.questions import reviewers_content
from documents.selectors import HISTORY_ACTIONS, review_summary, timeline
from workflow import audit
from workflow.models import AuditEntry

PASSPORT = RenderJob.Kind.PASSPORT.value
CONCLUSION = RenderJob.Kind.CONCLUSION.value

# Audit actions that open a review round (workflow.services.proposal_submit). Each of them also
# freezes exactly one version, so version N is the one read in round N.
ROUND_OPENERS = ("submitted", "resubmitted")
# The working group's decisions on a round (workflow.services). All of them are taken from
# wg_review, which is how a rejection by the group is told from one by the governance body.
GROUP_DECISIONS = ("revision_requested", "approved_in_group", "rejected")


@dataclass(frozen=True)
class EmbeddedFile:
    """A file that travels inside the PDF (a PDF/A-3 associated file), e.g. the data a document
    was printed from, so that a reader can take the data out of the signed document itself."""

    name: str
    content: bytes
    description: str
    mime_type: str = "application/json"


@dataclass(frozen=True)
class DocumentSource:
    kind: str
    title: str  # the document's title, for the PDF's metadata, in the document's language
    html: str  # the complete HTML to render (documents/pdf/render.py)
    version_sha256: str  # of the content version shown; printed in the document
    # WeasyPrint's PDF variant ("pdf/a-3b" for archival documents); "" for plain PDF.
    variant: str = ""
    embedded: tuple[EmbeddedFile, ...] = ()


def _round_of(version: ProposalVersion) -> int:
    return version.number


def _group_decisions_by_round(
    proposal: Proposal, trail: list[AuditEntry] | None = None
) -> dict[int, list[AuditEntry]]:
    """The working group's decisions, oldest first, by the review round they were taken in
    (from `trail`, the proposal's entries without its edits, when the caller read it)."""
    decisions: dict[int, list[AuditEntry]] = {}
    review_round = 0
    for entry in audit.history(proposal) if trail is None else trail:
        if entry.action in ROUND_OPENERS:
            review_round += 1
        elif entry.action in GROUP_DECISIONS and entry.from_state == Proposal.State.WG_REVIEW:
            decisions.setdefault(review_round, []).append(entry)
    return decisions


def is_available(
    kind: str,
    proposal: Proposal,
    *,
    latest: ProposalVersion | None = None,
    trail: list[AuditEntry] | None = None,
) -> bool:
    """The passport, once the proposal has a version (from its first submission on).

    The expert conclusion, once the working group has decided on the proposal's latest
    version: asked for a revision, approved or rejected it. Read from the audit trail's
    actions, not from the state: a proposal the governance body returned to the group is in
    wg_review again, yet the group has decided on it. The latest version, because that is
    the one the pages offer: after a resubmission the conclusion waits for the group's new
    decision, and the renderings of the earlier round stay downloadable.

    A page that read the latest version and selectors.decisions_trail() passes them."""
    latest = latest or proposal.versions.order_by("-number").first()
    if latest is None:
        return False
    if kind == PASSPORT:
        return True
    if kind == CONCLUSION:
        return bool(_group_decisions_by_round(proposal, trail).get(_round_of(latest)))
    return False


def _last_history_entry_hash(proposal: Proposal, *, blind: bool = False) -> str:
    # The hash of the last entry the passport's history shows: entries are chained, so it
    # covers every entry before it, while the experts' reviews, which the passport leaves
    # out, render no new passport.
    history = timeline(proposal, with_reviews=False, blind=blind)
    return history[-1]["entry"].entry_hash if history else ""


def _conclusion_facts(proposal: Proposal, version: ProposalVersion) -> dict:
    review_round = _round_of(version)
    reviews = proposal.reviews.filter(round=review_round).order_by("pk")
    remarks = proposal.remarks.filter(round=review_round).order_by("number")
    decisions = _group_decisions_by_round(proposal).get(review_round, [])
    return {
        "reviews": [
            [r.pk, r.scores, str(r.weighted_score), r.recommendation, r.comments] for r in reviews
        ],
        "remarks": [[r.number, r.text, r.answer] for r in remarks],
        "decisions": [entry.entry_hash for entry in decisions],
        "opinions": opinions.pdf_facts(proposal),  # of the infrastructure groups, as they stand
    }


def source_key(
    kind: str, proposal: Proposal, version: ProposalVersion, *, anonymised: bool = False
) -> str:
    """A SHA-256 that changes whenever what the document would show changes, and only then.

    Passport: the version (its number is printed, and a resubmission may leave the content as
    it was), the proposal's state and its history of decisions. Conclusion: the version and the
    reviews, remarks (with their answers) and group decisions of its round. Names from the
    directory (groups, criteria, people) are read as they are when the document is rendered.
    The copy anonymised for the experts of a blind review (documents/blind.py) has a key of
    its own, so it never stands for the full copy, nor the full copy for it."""
    if kind == PASSPORT:
        facts = {
            "version": [version.number, version.sha256],
            "state": proposal.state,
            "history": _last_history_entry_hash(proposal),
        }
    elif kind == CONCLUSION:
        facts = {
            "version": [version.number, version.sha256],
            **_conclusion_facts(proposal, version),
        }
    else:
        raise ValueError(f"unknown document kind {kind!r}")
    if anonymised:
        facts["anonymised"] = True
    canonical = json.dumps([kind, facts], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def printed_words() -> dict:
    """What every printed document's head and margins say, in the active language
    (templates/documents/pdf/_head.html and _running_strings.html), and the audit trail's
    latest checkpoint with the trail's position at render time, printed at its end
    (_audit_stamp.html): a paper copy names a head the checkpoint file and mails confirm."""
    return {
        "audit_stamp": audit.stamp(),
        # Where a reader of the paper or the file checks its signatures (signing/, /verify/).
        "verify_url": settings.SITE_URL + reverse("signing:verify"),
        "language": translation.get_language(),
        "cluster_name": _("Moscow Biotechnology Cluster"),
        # The footer reads "стр. 3 из 7": the words around the two page counters.
        "page_word": translation.pgettext("page X of Y", "page"),
        "of_word": translation.pgettext("page X of Y", "of"),
    }


def _common(version: ProposalVersion, title: str, generated_at: datetime, content: dict) -> dict:
    """`heading`: the content the document's head names (title, organisation), anonymised in
    the experts' copy of a blind review."""
    return {
        "title": title,
        "version": version,
        "heading": content,
        "generated_at": generated_at,
        **printed_words(),
    }


def _shown_content(proposal: Proposal, version: ProposalVersion, anonymised: bool) -> dict:
    """The version's frozen content; anonymised, without the authors and the organisation."""
    if anonymised:
        return blind_review.mask_content(version.content, proposal)
    return version.content


def _passport(
    proposal: Proposal, version: ProposalVersion, generated_at: datetime, anonymised: bool
) -> tuple[str, str]:
    content = _shown_content(proposal, version, anonymised)
    title = _("Project passport: %(title)s") % {"title": content.get("title", "")}
    # The content comes from the version's frozen JSON, never from the proposal's live rows.
    # One passport for every reader: answers to office-only questions are not printed.
    shown = readable(reviewers_content(content), proposal.call)
    budget = shown["budget"]
    context = {
        **_common(version, title, generated_at, content),
        **shown,
        "proposal": proposal,
        "state": proposal.get_state_display(),
        "history": timeline(proposal, with_reviews=False, blind=anonymised),
        "anonymised": anonymised,
        # documents/_proposal_content.html draws the budget with this partial: on paper a row
        # per year and a column per source, so that ten years fit the width of A4.
        "budget_template": "documents/pdf/_budget_by_year.html",
        "budget_by_year": [
            {
                "year": year,
                "amounts": [row["amounts"][i] for row in budget["rows"]],
                "total": budget["totals"][i],
            }
            for i, year in enumerate(budget["years"])
        ],
    }
    return title, render_to_string("documents/pdf/passport.html", context)


def _conclusion(
    proposal: Proposal, version: ProposalVersion, generated_at: datetime, anonymised: bool
) -> tuple[str, str]:
    content = _shown_content(proposal, version, anonymised)
    title = _("Expert conclusion of the working group: %(title)s") % {
        "title": content.get("title", "")
    }
    review_round = _round_of(version)
    summary = review_summary(proposal, round_number=review_round)
    decisions = _group_decisions_by_round(proposal).get(review_round, [])
    # The last decision of the round stands: after the governance body returns a proposal to
    # the group, the group decides on the same version again.
    decision = decisions[-1] if decisions else None
    context = {
        **_common(version, title, generated_at, content),
        "proposal": proposal,
        "review_round": review_round,
        "summary": summary,
        "rows": [
            {
                "criterion": average.criterion,
                "scores": [review.scores.get(average.criterion.code) for review in summary.reviews],
                "average": average.average,
            }
            for average in summary.averages
        ],
        "decision": decision,
        "decision_label": HISTORY_ACTIONS.get(decision.action, "") if decision else "",
        "remarks": list(proposal.remarks.filter(round=review_round).order_by("number")),
        "opinions": opinions.for_pdf(proposal),
        # Signed by the chair who took the decision, who may no longer chair the group.
        "signatory": decision.actor if decision else None,
    }
    return title, render_to_string("documents/pdf/conclusion.html", context)


def build(
    kind: str,
    proposal: Proposal,
    version: ProposalVersion,
    *,
    language: str,
    generated_at: datetime,
    anonymised: bool = False,
) -> DocumentSource:
    """The document of this kind for this version of the proposal, in `language`; anonymised
    for the experts of a blind review."""
    builders = {PASSPORT: _passport, CONCLUSION: _conclusion}
    with translation.override(language):
        title, html = builders[kind](proposal, version, generated_at, anonymised)
    return DocumentSource(kind=kind, title=title, html=html, version_sha256=version.sha256)


def job_source(job: RenderJob, proposal: Proposal) -> DocumentSource:
    """What a job of a proposal kind renders: the version it was asked for, in the job's
    language, dated when the job was asked for (the kinds' registry, documents/apps.py)."""
    version = proposal.versions.filter(number=job.version_number).first()
    if version is None:
        raise LookupError(
            _("Version %(number)s of the proposal no longer exists.")
            % {"number": job.version_number}
        )
    return build(
        job.kind,
        proposal,
        version,
        language=job.language,
        generated_at=job.created_at,
        anonymised=job.anonymised,
    )


def signing_plan(job: RenderJob, proposal: Proposal, source: DocumentSource) -> SigningPlan:
    """A passport or an expert conclusion carries the system's seal: it is what the system
    issued for this version of the proposal."""
    return SigningPlan(
        reference=_("proposal № %(number)s, version %(version)s")
        % {"number": proposal.pk, "version": job.version_number}
    )
