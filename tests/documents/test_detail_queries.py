"""The proposal's page costs a fixed number of queries for every person who may open it
(issue 19): the lookup reads with the proposal the person's object permissions on it, its
co-authors, versions (the latest's content), decisions' trail and attachments, who declared a
conflict and who reviewed this round, and which of its usually empty lists it has; the rules
read the group's deciders once per loaded instance. What the rules remember is dropped when
the proposal's people or grants change, and a refusal stays one.
"""

import os
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from directory.models import Body, Membership
from documents import grants, rules, transitions
from documents.discussion import discussion_post
from documents.models import ConflictDeclaration, Proposal
from documents.selectors import get_visible_proposal_or_404
from documents.services import proposal_set_coauthors, remarks_answer
from tests.documents.test_opinions import ENGINEERING, add_infrastructure_people, proposal_naming
from tests.factories import MembershipFactory, UserFactory
from tests.workflow.states import make_people, proposal_in

State = Proposal.State
Role = Membership.Role

# Issue 19 asks for at most 12 for everyone: with the cache of production (the session in
# Redis) every role is within it. With the default settings the session is read from the
# database, one query more. The same counts on PostgreSQL and SQLite. A ceiling passed is a
# regression; one that is no longer reached should come down.
ISSUE_TARGET = 12
CEILINGS = {
    # persona: (proposal, queries with the default settings) — "review": in the group's review,
    # naming the engineering group for an opinion; "approved": approved by the governance body.
    "author": ("review", 4),
    "coauthor": ("review", 4),
    "chair": ("review", 5),
    "wg_member": ("review", 4),
    "expert": ("review", 4),  # assigned, review not yet in
    "second_expert": ("review", 5),  # review in: reads the others'
    "eng_chair": ("review", 4),  # the infrastructure group asked for its opinion
    "office": ("review", 6),  # the group's deciders: whether the office decides instead
    "wg_secretary": ("review", 5),
    "governance_member": ("approved", 4),
    "observer": ("approved", 4),
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The personas, one proposal in review and one approved, built once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        people = add_infrastructure_people(make_people())
        people["wg_member"] = MembershipFactory(
            body=Body.objects.get(code="wg-pharma"), role=Role.MEMBER, user__username="wg-member"
        ).user
        yield {
            "people": people,
            "review": proposal_naming(people, ENGINEERING, state=State.WG_REVIEW),
            "approved": proposal_naming(people, ENGINEERING, state=State.APPROVED),
        }
        transaction.set_rollback(True)


def page_queries(client, person, proposal: Proposal) -> int:
    """The queries of one request of the proposal's page (a warm-up request first, so that
    nothing read once per process is counted)."""
    client.force_login(person)
    url = f"/proposals/{proposal.pk}/"
    assert client.get(url).status_code == 200
    # The log keeps 9,000 queries: building the world may have filled it, and a full log
    # makes CaptureQueriesContext count nothing.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", list(CEILINGS))
@pytest.mark.django_db
def test_page_queries_stay_within_the_ceiling_of_each_role(client, world, persona):
    which, ceiling = CEILINGS[persona]

    count = page_queries(client, world["people"][persona], world[which])

    assert count <= ceiling


@pytest.fixture
def production_cache(settings):
    """The cache and sessions of production (CACHE_URL, mbk/settings.py): Django's RedisCache,
    here on the test Redis (CELERY_BROKER_URL's host) in a database of its own, under a prefix
    of this process, whose keys are removed afterwards."""
    broker = urlsplit(settings.CELERY_BROKER_URL)
    prefix = f"mbk-test-detail-{os.getpid()}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://{broker.hostname}:{broker.port or 6379}/15",
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield
    client = cache._cache.get_client()
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.mark.parametrize("persona", list(CEILINGS))
@pytest.mark.django_db
def test_page_queries_stay_within_the_issue_target_with_the_production_cache(
    client, world, production_cache, persona
):
    """With the cache of production the session is read from Redis: one query less than the
    default settings, and issue 19's target for every role."""
    which, ceiling = CEILINGS[persona]

    count = page_queries(client, world["people"][persona], world[which])

    assert count <= min(ceiling - 1, ISSUE_TARGET)


def _revision_round(proposal: Proposal, people: dict, n: int) -> None:
    """A revision request with one remark, a new co-author and a discussion entry while the
    authors revise, the answer and the resubmission: one version, remark, co-author, discussion
    entry and several history entries more."""
    transitions.proposal_request_revision(
        proposal_id=proposal.pk, by=people["chair"], remarks=[f"Уточните раздел {n}"]
    )
    remark = proposal.remarks.get(round=Proposal.objects.get(pk=proposal.pk).round, number=1)
    remarks_answer(proposal_id=proposal.pk, by=people["author"], answers={remark.pk: "Уточнили"})
    colleague = UserFactory(username=f"colleague{n}", organisation=people["author"].organisation)
    current = list(Proposal.objects.get(pk=proposal.pk).coauthors.all())
    proposal_set_coauthors(
        proposal_id=proposal.pk, by=people["author"], coauthors=[*current, colleague]
    )
    discussion_post(proposal_id=proposal.pk, by=people["chair"], text=f"Замечание {n} учтено?")
    transitions.proposal_submit(proposal_id=proposal.pk, by=people["author"])


@pytest.mark.parametrize("persona", ["author", "chair"])
@pytest.mark.django_db
def test_page_queries_do_not_grow_with_versions_remarks_coauthors_and_history(
    client, world, persona
):
    people = world["people"]
    proposal = proposal_in(State.WG_REVIEW, people)
    _revision_round(proposal, people, 0)
    with_one = page_queries(client, people[persona], proposal)

    for n in range(1, 5):
        _revision_round(proposal, people, n)
    with_five = page_queries(client, people[persona], proposal)

    page = client.get(f"/proposals/{proposal.pk}/").context
    assert (len(page["versions"]), len(page["remarks"]), len(page["authors"])) == (6, 5, 7)
    assert [version.number for version in page["versions"]] == [1, 2, 3, 4, 5, 6]
    latest = proposal.versions.get(number=6)
    assert page["shown_version"].sha256 == latest.sha256
    assert page["shown_version"].content == latest.content
    assert page["history"][-1]["actor_name"] == people["author"].get_full_name()
    assert with_five == with_one


# --- What the rules remember, and when they forget it ----------------------------------------
@pytest.mark.django_db
def test_lookup_reads_the_persons_own_permissions_only(world):
    people, proposal = world["people"], world["review"]

    seen_by_chair = get_visible_proposal_or_404(people["chair"], proposal.pk)
    seen_by_author = get_visible_proposal_or_404(people["author"], proposal.pk)

    assert not rules.can_edit_proposal(people["chair"], seen_by_chair)
    assert not rules.can_review_proposal(people["chair"], seen_by_chair)
    assert rules.can_review_proposal(people["expert"], seen_by_chair)  # asks anew for the expert
    assert not rules.can_review_proposal(people["author"], seen_by_author)
    assert rules.can_view_proposal(people["author"], seen_by_author)


@pytest.mark.parametrize("persona", ["outsider", "other_chair", "other_author"])
@pytest.mark.django_db
def test_page_is_still_not_found_for_who_may_not_see_the_proposal(client, world, persona):
    client.force_login(world["people"][persona])

    response = client.get(f"/proposals/{world['review'].pk}/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_rules_read_each_fact_of_a_loaded_proposal_once(world, django_assert_num_queries):
    people = world["people"]
    proposal = get_visible_proposal_or_404(people["office"], world["review"].pk)
    persons = [people[name] for name in ("office", "chair", "author", "expert")]
    for person in persons:
        rules.has_conflict(person, proposal)
        rules.deciding_capacity(person, proposal)
    rules.can_see_reviews(people["office"], proposal)

    with django_assert_num_queries(0):
        for person in persons:
            rules.has_conflict(person, proposal)
            rules.deciding_capacity(person, proposal)
        rules.can_move_proposal(people["office"], proposal)
        rules.can_declare_conflict(people["office"], proposal)
        rules.can_see_reviews(people["office"], proposal)


@pytest.mark.django_db
def test_rules_forget_a_conflict_once_the_permissions_are_synced(world):
    people = world["people"]
    proposal = Proposal.objects.get(pk=world["review"].pk)
    assert rules.deciding_capacity(people["chair"], proposal) == Role.CHAIR
    assert rules.group_deciders(proposal) == (Role.CHAIR, [people["chair"]])

    ConflictDeclaration.objects.create(proposal=proposal, person=people["chair"], reason="Совет")
    grants.sync_proposal_permissions(proposal)

    assert rules.has_conflict(people["chair"], proposal)
    assert rules.deciding_capacity(people["chair"], proposal) is None
    assert rules.group_deciders(proposal)[0] == rules.OFFICE


@pytest.mark.django_db
def test_page_lookup_reads_who_declared_a_conflict_and_who_reviewed_with_the_proposal(world):
    """On PostgreSQL an array per fact, on SQLite a JSON array: the same people either way."""
    people, pk = world["people"], world["review"].pk
    ConflictDeclaration.objects.create(proposal_id=pk, person=people["wg_member"], reason="Совет")
    reviewers = set(Proposal.objects.get(pk=pk).reviews.values_list("expert_id", flat=True))

    proposal = get_visible_proposal_or_404(people["office"], pk, page=True)
    facts = proposal.__dict__["_mbk_facts"]

    assert reviewers  # the world's proposal has a review in
    assert facts["declared_conflicts"] == {people["wg_member"].pk}
    assert facts[f"reviewed_in_round_{proposal.round}"] == reviewers
    fresh = get_visible_proposal_or_404(people["office"], world["approved"].pk, page=True)
    assert fresh.__dict__["_mbk_facts"]["declared_conflicts"] == set()


@pytest.mark.django_db
def test_rules_see_a_coauthor_added_to_the_loaded_proposal(world):
    people = world["people"]
    proposal = Proposal.objects.get(pk=world["review"].pk)
    colleague = UserFactory(username="colleague", organisation=people["author"].organisation)
    assert not rules.is_proposal_author(colleague, proposal)

    proposal.coauthors.add(colleague)

    assert rules.is_proposal_author(colleague, proposal)


@pytest.mark.django_db
def test_conflict_declared_in_a_service_takes_the_decision_from_the_chair_at_once(world):
    people = world["people"]
    proposal = world["review"]

    transitions.proposal_declare_conflict(proposal_id=proposal.pk, by=people["chair"], reason="X")

    fresh = get_visible_proposal_or_404(people["chair"], proposal.pk)
    assert not rules.can_decide_in_group(people["chair"], fresh)
    assert not rules.can_see_reviews(people["chair"], fresh)


@pytest.mark.django_db
def test_lists_the_proposal_has_none_of_are_not_read_and_appear_once_they_exist(client, world):
    """The lookup reads whether the proposal has opinions, a discussion and PDF renderings: the
    page reads none of those lists for a proposal without them, and shows one once it exists."""
    people = world["people"]
    proposal = proposal_in(State.WG_REVIEW, people)
    assert not proposal.opinions.exists()
    assert not proposal.discussion_entries.exists()
    client.force_login(people["chair"])
    url = f"/proposals/{proposal.pk}/"
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200

    lists_read = [q["sql"].split(" FROM ")[1].split()[0] for q in queries if " FROM " in q["sql"]]
    for table in ('"documents_opinion"', '"documents_discussionentry"', '"documents_renderjob"'):
        assert table not in lists_read

    discussion_post(proposal_id=proposal.pk, by=people["chair"], text="Прошу уточнить смету")
    assert "Прошу уточнить смету" in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_coauthors_read_with_the_proposal_are_its_coauthors_in_the_order_added(world):
    people = world["people"]
    proposal = proposal_in(State.WG_REVIEW, people)
    later = UserFactory(username="later-coauthor", organisation=people["author"].organisation)
    earlier = UserFactory(username="earlier-coauthor", organisation=people["author"].organisation)
    # The data only (the page reads them, whoever added them): `later` before `earlier`.
    proposal.coauthors.add(later)
    proposal.coauthors.add(earlier)
    through = Proposal.coauthors.through.objects.filter(proposal=proposal).order_by("pk")
    current = [row.user for row in through][:-2]

    seen = get_visible_proposal_or_404(people["chair"], proposal.pk, page=True)
    with CaptureQueriesContext(connection) as queries:
        listed = rules.coauthors_of(seen)
        names = [person.get_full_name() for person in seen.coauthors.all()]

    assert len(queries) == 0
    assert [person.pk for person in listed] == [*(p.pk for p in current), later.pk, earlier.pk]
    assert names[-2:] == [later.get_full_name(), earlier.get_full_name()]
    assert listed[-1].organisation_id == earlier.organisation_id
    assert rules.is_proposal_author(later, seen)
    assert listed[-1].date_joined == earlier.date_joined  # a field not read comes when asked


@pytest.mark.django_db
def test_a_view_permission_of_another_model_does_not_open_the_proposal(client, world):
    """The lookup decides by the proposal's own view permission, as visible_proposals() does:
    a row granting a same-named permission of another model (a database console, the admin)
    opens nothing."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from documents.models import Call, ProposalUserObjectPermission
    from documents.selectors import visible_proposals

    outsider, proposal = world["people"]["outsider"], world["review"]
    lookalike = Permission.objects.create(
        codename="view_proposal",
        name="Can view proposal (of calls)",
        content_type=ContentType.objects.get_for_model(Call),
    )
    # Written as a console would, past guardian's check in save().
    ProposalUserObjectPermission.objects.bulk_create(
        [ProposalUserObjectPermission(content_object=proposal, user=outsider, permission=lookalike)]
    )
    client.force_login(outsider)

    assert client.get(f"/proposals/{proposal.pk}/").status_code == 404
    assert not visible_proposals(outsider).filter(pk=proposal.pk).exists()
