"""Full-text search over the proposals and programme sections a person may see (title,
summary, description, organisation; a section's title and text). On PostgreSQL: Russian
stemming (`russian` configuration), ranked by weight, with highlighted fragments. On SQLite
(the try-out default): whole-word-prefix matching done in Python, case-insensitive for Cyrillic
too, ranked by where the words are found. Both read through the same permission filters."""

import re
from dataclasses import dataclass

from django.db import connection
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from documents.models import Proposal
from documents.selectors import visible_proposals
from programme import rules
from programme.models import SectionRevision

LIMIT = 50
# Sentinels PostgreSQL puts around the matched words in a fragment; the fragment is escaped
# first and they become <mark> after, so no text of a proposal is ever taken as HTML.
START, STOP = "\x02", "\x03"
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Hit:
    kind: str  # "proposal" or "section"
    title: str
    url: str
    fragment: SafeString
    rank: float
    state_label: str


def _marked(fragment: str) -> SafeString:
    html = escape(fragment).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped just above; only our sentinels became tags


def search(user, text: str) -> list[Hit]:
    text = text.strip()[:200]
    if not WORD.search(text):
        return []
    hits = _postgres(user, text) if connection.vendor == "postgresql" else _simple(user, text)
    return sorted(hits, key=lambda hit: -hit.rank)[:LIMIT]


def _sections(user):
    """The latest revision of each section, for people who read the programme."""
    if not rules.can_view_programme(user):
        return SectionRevision.objects.none()
    latest = {}
    for pk, section_id in (
        SectionRevision.objects.filter(section__removed_at=None)
        .order_by("section_id", "number")
        .values_list("pk", "section_id")
    ):
        latest[section_id] = pk
    return SectionRevision.objects.filter(pk__in=latest.values()).select_related("section")


def _postgres(user, text: str) -> list[Hit]:
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchRank,
        SearchVector,
    )

    query = SearchQuery(text, config="russian", search_type="websearch")
    headline = {"config": "russian", "start_sel": START, "stop_sel": STOP, "max_fragments": 2}
    proposal_vector = (
        SearchVector("title", weight="A", config="russian")
        + SearchVector("organisation__name_ru", weight="B", config="russian")
        + SearchVector("summary", weight="B", config="russian")
        + SearchVector("description", weight="C", config="russian")
    )
    proposals = (
        visible_proposals(user)
        .annotate(document=proposal_vector)
        .filter(document=query)
        .annotate(
            rank=SearchRank(proposal_vector, query),
            fragment=SearchHeadline("summary", query, **headline),
            title_fragment=SearchHeadline("title", query, **headline),
        )
        .select_related("organisation")
        .order_by("-rank")[:LIMIT]
    )
    hits = [_proposal_hit(p, p.rank, p.fragment or p.organisation.name_ru) for p in proposals]
    section_vector = SearchVector("section__title_ru", weight="A", config="russian") + SearchVector(
        "text", weight="B", config="russian"
    )
    sections = (
        _sections(user)
        .annotate(document=section_vector)
        .filter(document=query)
        .annotate(
            rank=SearchRank(section_vector, query),
            fragment=SearchHeadline("text", query, **headline),
        )
        .order_by("-rank")[:LIMIT]
    )
    hits += [_section_hit(r, r.rank, r.fragment) for r in sections]
    return hits


def _proposal_hit(proposal: Proposal, rank: float, fragment: str) -> Hit:
    return Hit(
        kind="proposal",
        title=proposal.title,
        url=reverse("documents:proposal-detail", args=[proposal.pk]),
        fragment=_marked(fragment),
        rank=float(rank),
        state_label=proposal.get_state_display(),
    )


def _section_hit(revision: SectionRevision, rank: float, fragment: str) -> Hit:
    return Hit(
        kind="section",
        title=revision.section.title,
        url=reverse("programme:section-detail", args=[revision.section_id]),
        fragment=_marked(fragment),
        rank=float(rank),
        state_label=revision.get_state_display(),
    )


# --- The fallback ------------------------------------------------------------------------------
def _stems(text: str) -> list[str]:
    """Lower-cased words, long ones cut to a prefix: a crude stand-in for stemming that lets
    «биоаналогов» find «биоаналоги»."""
    return [w[:-2] if len(w) > 5 else w for w in WORD.findall(text.casefold())]


def _score(stems: list[str], fields: list[tuple[str, float]]) -> float:
    """The sum of the weights of the fields each stem is found in; 0 unless every stem is."""
    total = 0.0
    for stem in stems:
        found = [weight for value, weight in fields if stem in value.casefold()]
        if not found:
            return 0.0
        total += max(found)
    return total


def _fragment(text: str, stems: list[str], width: int = 160) -> str:
    folded = text.casefold()
    positions = [folded.find(stem) for stem in stems if stem in folded]
    start = max(0, min(positions) - 40) if positions else 0
    piece = text[start : start + width]
    # The whole word that starts with a stem, as PostgreSQL's headline marks it.
    pattern = re.compile("|".join(re.escape(s) + r"\w*" for s in stems), re.IGNORECASE)
    marked = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", piece)
    return ("…" if start else "") + marked + ("…" if start + width < len(text) else "")


def _simple(user, text: str) -> list[Hit]:
    stems = _stems(text)
    hits = []
    for proposal in visible_proposals(user).select_related("organisation"):
        fields = [
            (proposal.title, 1.0),
            (proposal.organisation.name_ru, 0.4),
            (proposal.summary, 0.4),
            (proposal.description, 0.2),
        ]
        rank = _score(stems, fields)
        if rank:
            hits.append(_proposal_hit(proposal, rank, _fragment(proposal.summary, stems)))
    for revision in _sections(user):
        rank = _score(stems, [(revision.section.title_ru, 1.0), (revision.text, 0.4)])
        if rank:
            hits.append(_section_hit(revision, rank, _fragment(revision.text, stems)))
    return hits
