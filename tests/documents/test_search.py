"""Search: only what the person may see, highlighted without letting text become HTML; Russian
stemming and ranking on PostgreSQL, the simpler matching elsewhere."""

import pytest
from django.db import connection
from django.urls import reverse

from documents import search as engine
from documents.models import Proposal
from programme import services as programme_services
from tests.conftest import unavailable
from tests.factories import draft_proposal
from tests.programme.world import new_programme, section
from tests.workflow.states import make_people, proposal_in


@pytest.fixture
def people(db):
    return make_people()


def titles(hits) -> list[str]:
    return [hit.title for hit in hits]


def test_a_draft_is_found_by_its_authors_only(people):
    draft_proposal(people["author"], title="Биоаналоги моноклональных антител")

    assert titles(engine.search(people["author"], "биоаналоги")) == [
        "Биоаналоги моноклональных антител"
    ]
    assert engine.search(people["other_author"], "биоаналоги") == []
    assert engine.search(people["chair"], "биоаналоги") == []
    assert engine.search(people["outsider"], "биоаналоги") == []


def test_a_submitted_proposal_is_found_by_its_group_not_by_another(people):
    proposal_in(Proposal.State.SUBMITTED, people, title="Биоаналоги для онкологии")

    assert titles(engine.search(people["chair"], "онкологии")) == ["Биоаналоги для онкологии"]
    assert engine.search(people["other_chair"], "онкологии") == []


def test_sections_are_found_by_the_bodies_not_by_authors_or_observers(people):
    risks = section(new_programme(people), "risks")
    programme_services.section_write(
        section_id=risks.pk,
        by=people["office"],
        text="Валютные риски и рост цен на оборудование.",
        rows=[],
        seen_edition=None,
    )

    assert titles(engine.search(people["chair"], "валютные риски")) == ["Риски"]
    assert engine.search(people["author"], "валютные риски") == []
    assert engine.search(people["observer"], "валютные риски") == []


def test_fragments_are_escaped_and_highlighted(people):
    draft_proposal(
        people["author"], title="Штаммы", summary='<script>alert("x")</script> штаммы бактерий'
    )

    (hit,) = engine.search(people["author"], "штаммы")

    assert "<script" not in hit.fragment  # escaped (SQLite) or dropped by ts_headline (PostgreSQL)
    assert "<mark>штаммы</mark> бактерий" in hit.fragment


def test_only_the_search_marks_become_tags():
    fragment = engine.marked(f'<img src=x onerror="1"> {engine.START}штаммы{engine.STOP}')

    assert fragment == "&lt;img src=x onerror=&quot;1&quot;&gt; <mark>штаммы</mark>"


def test_the_simple_matching_finds_word_forms_and_ranks_titles_first(people):
    draft_proposal(people["author"], title="Ферментация кормов", description="Про биоаналоги.")
    draft_proposal(people["author"], title="Биоаналоги антител")

    hits = engine._simple(people["author"], "биоаналогов")

    ranks = {hit.title: hit.rank for hit in hits}
    assert set(ranks) == {"Биоаналоги антител", "Ферментация кормов"}
    assert ranks["Биоаналоги антител"] > ranks["Ферментация кормов"]


@pytest.mark.postgres
def test_postgres_uses_russian_stemming_and_ranks_titles_first(people):
    if connection.vendor != "postgresql":
        unavailable(f"DATABASE_URL names {connection.vendor}, not PostgreSQL")
    draft_proposal(people["author"], title="Ферментация кормов", description="Про биоаналоги.")
    draft_proposal(people["author"], title="Биоаналоги антител")

    hits = engine.search(people["author"], "биоаналогов")

    assert titles(hits) == ["Биоаналоги антител", "Ферментация кормов"]


def test_search_page_lists_the_hits(client, people):
    draft_proposal(people["author"], title="Биоаналоги антител")
    client.force_login(people["author"])

    page = client.get(reverse("documents:search"), {"q": "биоаналоги"}).content.decode()

    assert page.count('data-testid="hit"') == 1
    assert "Биоаналоги антител" in page


def test_search_without_words_finds_nothing(people):
    draft_proposal(people["author"], title="Биоаналоги антител")

    assert engine.search(people["author"], "  ;;; ") == []


@pytest.mark.parametrize(("persona", "register_link"), [("office", True), ("author", False)])
def test_search_page_without_words_says_what_to_type(client, people, persona, register_link):
    client.force_login(people[persona])

    page = client.get(reverse("documents:search"), {"q": ""}).content.decode()

    assert 'data-testid="search-empty"' in page
    assert ('data-testid="search-register-link"' in page) is register_link


def test_search_page_says_when_only_the_best_hits_are_shown(client, people, monkeypatch):
    monkeypatch.setattr(engine, "LIMIT", 2)
    for n in range(3):
        draft_proposal(people["author"], title=f"Биоаналоги антител {n}")
    client.force_login(people["author"])

    page = client.get(reverse("documents:search"), {"q": "биоаналоги"}).content.decode()

    assert page.count('data-testid="hit"') == 2
    assert 'data-testid="hits-truncated"' in page


def test_search_page_with_every_hit_shown_says_nothing_of_a_limit(client, people):
    draft_proposal(people["author"], title="Биоаналоги антител")
    client.force_login(people["author"])

    page = client.get(reverse("documents:search"), {"q": "биоаналоги"}).content.decode()

    assert 'data-testid="hits-truncated"' not in page
