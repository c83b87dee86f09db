"""What each PDF document shows: its HTML, built from the frozen content of a proposal version
and from the proposal's recorded decisions, in the language asked for."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from documents.content import readable
from documents.models import Proposal, ProposalVersion, RenderJob
from documents.selectors import HISTORY_ACTIONS, timeline
from workflow import audit
from workflow.selectors import review_summary

PASSPORT = RenderJob.Kind.PASSPORT
CONCLUSION = RenderJob.Kind.CONCLUSION
# Audit actions by which the working group decides on a proposal (workflow/services.py).
GROUP_DECISIONS = ("revision_requested", "approved_in_group", "rejected")


@dataclass(frozen=True)
class DocumentSource:
    kind: str
    title: str
    html: str
    version_sha256: str


def _group_decisions(proposal: Proposal):
    entries = audit.history(proposal).filter(action__in=GROUP_DECISIONS)
    # A rejection by the governance body is not the group's decision.
    return [e for e in entries if e.action != "rejected" or e.from_state == "wg_review"]


def is_available(kind: str, proposal: Proposal) -> bool:
    """The passport exists for every submitted version; the expert conclusion once the working
    group has decided (asked for a revision, approved or rejected), read from the audit trail."""
    if not proposal.versions.exists():
        return False
    if kind == CONCLUSION:
        return bool(_group_decisions(proposal))
    return kind == PASSPORT


def _round_of(proposal: Proposal, version: ProposalVersion) -> int:
    """The review round in which this version was reviewed: version N is the N-th submission."""
    return version.number


def _conclusion_facts(proposal: Proposal, version: ProposalVersion) -> dict:
    review_round = _round_of(proposal, version)
    reviews = proposal.reviews.filter(round=review_round).order_by("submitted_at", "pk")
    remarks = proposal.remarks.filter(round=review_round).order_by("number")
    decisions = [e.entry_hash for e in _group_decisions(proposal)]
    return {
        "reviews": [[r.pk, r.weighted_score and str(r.weighted_score)] for r in reviews],
        "remarks": [[r.pk, r.text, r.answer] for r in remarks],
        "decisions": decisions,
    }


def source_key(kind: str, proposal: Proposal, version: ProposalVersion) -> str:
    """Changes whenever what the document would show changes; the same otherwise, so asking
    again finds the rendering already made."""
    last = audit.history(proposal).last()
    if kind == PASSPORT:
        facts = {"version": version.sha256, "history": last.entry_hash if last else ""}
    else:
        facts = {"version": version.sha256, **_conclusion_facts(proposal, version)}
    canonical = json.dumps([kind, facts], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _common(proposal: Proposal, version: ProposalVersion, title: str, generated_at) -> dict:
    return {
        "title": title,
        "proposal": proposal,
        "version": version,
        "generated_at": generated_at,
        "language": translation.get_language(),
        "cluster_name": _("Moscow Biotechnology Cluster"),
        "page_word": translation.pgettext("page X of Y", "page"),
        "of_word": translation.pgettext("page X of Y", "of"),
    }


def _passport(proposal: Proposal, version: ProposalVersion, generated_at) -> tuple[str, str]:
    title = _("Project passport: %(title)s") % {"title": version.content.get("title", "")}
    context = _common(proposal, version, title, generated_at) | readable(
        version.content, proposal.call
    )
    budget = context["budget"]
    context["budget_template"] = "documents/pdf/_budget_by_year.html"
    context["budget_by_year"] = [
        {
            "year": year,
            "amounts": [row["amounts"][i] for row in budget["rows"]],
            "total": budget["totals"][i],
        }
        for i, year in enumerate(budget["years"])
    ]
    context["history"] = timeline(proposal, with_reviews=False)
    context["state"] = proposal.get_state_display()
    return title, render_to_string("documents/pdf/passport.html", context)


def _conclusion(proposal: Proposal, version: ProposalVersion, generated_at) -> tuple[str, str]:
    title = _("Expert conclusion of the working group: %(title)s") % {
        "title": version.content.get("title", "")
    }
    review_round = _round_of(proposal, version)
    summary = review_summary(proposal, round_number=review_round)
    decision = next(
        (e for e in reversed(_group_decisions(proposal)) if e.content_sha256 == version.sha256),
        None,
    )
    chair = proposal.group.memberships.filter(role="chair").select_related("user").first()
    context = _common(proposal, version, title, generated_at) | {
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
        "chair": chair.user if chair else None,
    }
    return title, render_to_string("documents/pdf/conclusion.html", context)


def build(
    kind: str,
    proposal: Proposal,
    version: ProposalVersion,
    *,
    language: str,
    generated_at: datetime,
) -> DocumentSource:
    builders = {PASSPORT: _passport, CONCLUSION: _conclusion}
    with translation.override(language):
        title, html = builders[kind](proposal, version, generated_at)
    return DocumentSource(kind=kind, title=title, html=html, version_sha256=version.sha256)
