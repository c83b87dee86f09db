"""The permission matrix of this issue's actions: every (persona, rule) cell is a case."""

import pytest
from guardian.shortcuts import assign_perm

from directory import rules
from directory.models import Organisation
from documents import rules as document_rules
from tests.factories import OrganisationFactory, UserFactory

PERSONAS = [
    "author",
    "coauthor",
    "other_author",
    "expert",
    "chair",
    "other_chair",
    "secretary",
    "governance_member",
    "office",
    "observer",
    "outsider",
    "superuser",
]

# rule -> the personas for whom it holds (against a proposed organisation proposed by `author`)
MATRIX = {
    rules.can_view_directory: set(PERSONAS),
    rules.can_review_organisations: {"office"},
    rules.can_decide_organisation: {"office"},
    rules.can_edit_organisation: {"author"},
}


@pytest.fixture
def superuser(db):
    """Superuser status, given at deployment, is no role: it stands in for none."""
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def proposed_by_author(author, proposed_organisation):
    assign_perm("directory.change_organisation", author, proposed_organisation)
    return proposed_organisation


CASES = [(rule, persona) for rule in MATRIX for persona in PERSONAS]


@pytest.mark.parametrize(
    ("rule", "persona"), CASES, ids=[f"{rule.__name__}-{persona}" for rule, persona in CASES]
)
@pytest.mark.django_db
def test_permission_matrix(request, rule, persona, proposed_by_author):
    user = request.getfixturevalue(persona)
    arguments = (proposed_by_author,) if rule.__code__.co_argcount == 2 else ()

    assert rule(user, *arguments) is (persona in MATRIX[rule])


@pytest.mark.django_db
def test_rules_refuse_anonymous_and_inactive(proposed_by_author, office):
    from django.contrib.auth.models import AnonymousUser

    office.is_active = False

    assert not rules.can_view_directory(AnonymousUser())
    assert not rules.can_decide_organisation(AnonymousUser(), proposed_by_author)
    assert not rules.can_decide_organisation(office, proposed_by_author)


@pytest.mark.django_db
def test_can_submit_proposals_needs_a_confirmed_organisation(author, outsider, request):
    proposer = request.getfixturevalue("proposed_organisation")
    author_of_proposed = author.__class__(username="x", organisation=proposer, is_active=True)

    assert rules.can_submit_proposals(author)
    assert not rules.can_submit_proposals(outsider)
    assert not rules.can_submit_proposals(author_of_proposed)


@pytest.mark.django_db
def test_can_draft_proposals_while_the_organisation_awaits_confirmation(author, outsider, request):
    proposer = request.getfixturevalue("proposed_organisation")
    author_of_proposed = UserFactory(organisation=proposer)
    author_of_rejected = UserFactory(
        organisation=OrganisationFactory(status=Organisation.Status.REJECTED)
    )

    assert document_rules.can_draft_proposals(author)
    assert document_rules.can_draft_proposals(author_of_proposed)
    assert not document_rules.can_draft_proposals(author_of_rejected)
    assert not document_rules.can_draft_proposals(outsider)


@pytest.mark.django_db
def test_decided_organisation_cannot_be_decided_or_edited(proposed_by_author, office, author):
    proposed_by_author.confirm()
    proposed_by_author.save()

    assert not rules.can_decide_organisation(office, proposed_by_author)
    assert not rules.can_edit_organisation(author, proposed_by_author)


def test_require_raises_permission_denied():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        rules.require(lambda user: False, None)
