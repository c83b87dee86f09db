"""Full-text search over what a person may see: proposals (title, summary, description,
organisation) and whatever the apps above register (the programme's sections: title and text).
On PostgreSQL: Russian stemming (`russian` configuration), ranked by weight, with highlighted
fragments. On SQLite (the try-out default): whole-word-prefix matching done in Python,
case-insensitive for Cyrillic too, ranked by where the words are found. Both read through the
same permission filters.

Each searchable thing registers two functions, one per database (see register()); their hits
are merged by rank, the proposals' first among equals, then in the order of registration."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, F, QuerySet, Value, When
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from documents import blind as blind_review
from documents.models import Proposal
from documents.selectors import blind_annotation, visible_proposals

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
    # Read blind (documents.rules.sees_blind): the hit's texts with the names of its authors
    # and organisation taken out. It stays a hit only if the words are found in them, so an
    # expert never finds a proposal by its authors' names.
    blind_fields: list[tuple[str, float]] | None = None


def marked(fragment: str) -> SafeString:
    html = escape(fragment).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped just above; only our sentinels became tags


@dataclass(frozen=True)
class Searchable:
    name: str
    # (user, query: SearchQuery, headline: dict of SearchHeadline's options) -> the best LIMIT
    # hits among what the person may see, ranked by SearchRank (PostgreSQL).
    postgres: Callable[..., list[Hit]]
    # (user, stems: see _stems) -> the hits among what the person may see, ranked by
    # score() and with fragment_of() (any other database).
    simple: Callable[..., list[Hit]]


_searchables: dict[str, Searchable] = {}


def register(
    name: str, *, postgres: Callable[..., list[Hit]], simple: Callable[..., list[Hit]]
) -> None:
    """Add a searchable thing. Proposals register below; the programme registers its sections
    from programme/apps.py. A name registers once: the order of the hits depends on it."""
    if name in _searchables:
        raise ValueError(f"{name!r} is already registered for search")
    _searchables[name] = Searchable(name=name, postgres=postgres, simple=simple)


def search(user, text: str) -> list[Hit]:
    text = text.strip()[:200]
    if not WORD.search(text):
        return []
    hits = _postgres(user, text) if connection.vendor == "postgresql" else _simple(user, text)
    stems = _stems(text)
    hits = [hit for hit in hits if hit.blind_fields is None or score(stems, hit.blind_fields)]
    return sorted(hits, key=lambda hit: -hit.rank)[:LIMIT]


def _postgres(user, text: str) -> list[Hit]:
    from django.contrib.postgres.search import SearchQuery

    query = SearchQuery(text, config="russian", search_type="websearch")
    headline = {"config": "russian", "start_sel": START, "stop_sel": STOP, "max_fragments": 2}
    return [hit for s in _searchables.values() for hit in s.postgres(user, query, headline)]


def _simple(user, text: str) -> list[Hit]:
    stems = _stems(text)
    return [hit for s in _searchables.values() for hit in s.simple(user, stems)]


# --- Proposals ---------------------------------------------------------------------------------
def _proposal_vector(blind=None):
    """The words a proposal is found by; where `blind` (an expression: the person reads it
    blind, selectors.blind_annotation) holds, not by its organisation's name."""
    from django.contrib.postgres.search import SearchVector

    organisation = F("organisation__name_ru")
    if blind is not None:
        organisation = Case(When(blind, then=Value("")), default=organisation)
    return (
        SearchVector("title", weight="A", config="russian")
        + SearchVector(organisation, weight="B", config="russian")
        + SearchVector("summary", weight="B", config="russian")
        + SearchVector("description", weight="C", config="russian")
    )


def _proposal_fields(title: str, organisation: str, summary: str, description: str) -> list:
    """The fields the fallback looks the words up in, with their weights."""
    return [(title, 1.0), (organisation, 0.4), (summary, 0.4), (description, 0.2)]


def matching_proposals(proposals: QuerySet[Proposal], text: str) -> QuerySet[Proposal]:
    """The proposals among these whose text has the words, found as search() finds them
    (PostgreSQL full text, else the fallback's prefixes), as a filter a list can sort and page.
    Text without a word filters nothing."""
    text = text.strip()[:200]
    if not WORD.search(text):
        return proposals
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        query = SearchQuery(text, config="russian", search_type="websearch")
        return proposals.annotate(search_document=_proposal_vector()).filter(search_document=query)
    stems = _stems(text)
    rows = proposals.order_by().values_list(
        "pk", "title", "organisation__name_ru", "summary", "description"
    )
    found = [pk for pk, *fields in rows if score(stems, _proposal_fields(*fields))]
    return proposals.filter(pk__in=found)


def _proposals_postgres(user, query, headline: dict) -> list[Hit]:
    from django.contrib.postgres.search import SearchHeadline, SearchRank

    proposal_vector = _proposal_vector(blind_annotation(user))
    proposals = (
        visible_proposals(user)
        .annotate(blind=blind_annotation(user), document=proposal_vector)
        .filter(document=query)
        .annotate(
            rank=SearchRank(proposal_vector, query),
            fragment=SearchHeadline("summary", query, **headline),
            title_fragment=SearchHeadline("title", query, **headline),
        )
        .select_related("organisation", "author")
        .prefetch_related("coauthors")
        .order_by("-rank")[:LIMIT]
    )
    return [
        _proposal_hit(p, p.rank, p.fragment or ("" if p.blind else p.organisation.name_ru))
        for p in proposals
    ]


def _proposal_hit(proposal: Proposal, rank: float, fragment: str) -> Hit:
    blind_fields = None
    if getattr(proposal, "blind", False):
        # Read blind: no name of the authors or of the organisation in the fragment, and the
        # words must be found elsewhere than in them.
        names = blind_review.identifying_strings(proposal)
        fragment = blind_review.mask_text(fragment, names)
        texts = (proposal.title, proposal.summary, proposal.description)
        masked = [blind_review.mask_text(text, names) for text in texts]
        blind_fields = _proposal_fields(masked[0], "", masked[1], masked[2])
    title = proposal.title
    if blind_fields is not None:
        title = blind_review.mask_text(title, names)
    return Hit(
        kind="proposal",
        title=title,
        url=reverse("documents:proposal-detail", args=[proposal.pk]),
        fragment=marked(fragment),
        rank=float(rank),
        state_label=proposal.get_state_display(),
        blind_fields=blind_fields,
    )


# --- The fallback, shared by every searchable thing -----------------------------------------------
def _stems(text: str) -> list[str]:
    """Lower-cased words, long ones cut to a prefix: a crude stand-in for stemming that lets
    «биоаналогов» find «биоаналоги»."""
    return [w[:-2] if len(w) > 5 else w for w in WORD.findall(text.casefold())]


def score(stems: list[str], fields: list[tuple[str, float]]) -> float:
    """The sum of the weights of the fields each stem is found in; 0 unless every stem is."""
    total = 0.0
    for stem in stems:
        found = [weight for value, weight in fields if stem in value.casefold()]
        if not found:
            return 0.0
        total += max(found)
    return total


def fragment_of(text: str, stems: list[str], width: int = 160) -> str:
    folded = text.casefold()
    positions = [folded.find(stem) for stem in stems if stem in folded]
    start = max(0, min(positions) - 40) if positions else 0
    piece = text[start : start + width]
    # The whole word that starts with a stem, as PostgreSQL's headline marks it.
    pattern = re.compile("|".join(re.escape(s) + r"\w*" for s in stems), re.IGNORECASE)
    found = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", piece)
    return ("…" if start else "") + found + ("…" if start + width < len(text) else "")


def _proposals_simple(user, stems: list[str]) -> list[Hit]:
    hits = []
    listed = (
        visible_proposals(user)
        .annotate(blind=blind_annotation(user))
        .select_related("organisation", "author")
        .prefetch_related("coauthors")
    )
    for proposal in listed:
        organisation = "" if proposal.blind else proposal.organisation.name_ru
        fields = _proposal_fields(
            proposal.title, organisation, proposal.summary, proposal.description
        )
        rank = score(stems, fields)
        if rank:
            hits.append(_proposal_hit(proposal, rank, fragment_of(proposal.summary, stems)))
    return hits


register("proposal", postgres=_proposals_postgres, simple=_proposals_simple)
