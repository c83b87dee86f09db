"""The programme's sections in the site search (documents/search.py; registered in
programme/apps.py): the latest revision of each section, by its title and text, for people who
read the programme."""

from django.urls import reverse

from documents.search import LIMIT, Hit, fragment_of, marked, score
from programme import rules
from programme.models import SectionRevision


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


def _hit(revision: SectionRevision, rank: float, fragment: str) -> Hit:
    return Hit(
        kind="section",
        title=revision.section.title,
        url=reverse("programme:section-detail", args=[revision.section_id]),
        fragment=marked(fragment),
        rank=float(rank),
        state_label=revision.get_state_display(),
    )


def postgres_hits(user, query, headline: dict) -> list[Hit]:
    from django.contrib.postgres.search import SearchHeadline, SearchRank, SearchVector

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
    return [_hit(r, r.rank, r.fragment) for r in sections]


def simple_hits(user, stems: list[str]) -> list[Hit]:
    hits = []
    for revision in _sections(user):
        rank = score(stems, [(revision.section.title_ru, 1.0), (revision.text, 0.4)])
        if rank:
            hits.append(_hit(revision, rank, fragment_of(revision.text, stems)))
    return hits
