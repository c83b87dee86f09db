"""The rules remember a person's object permissions on the instance they read them from
(directory/rules.py has_object_permission); a change of grants on that instance must not
leave them stale."""

import pytest

from documents import grants, rules
from tests.factories import draft_proposal


@pytest.mark.django_db
def test_rules_read_the_grants_anew_after_a_sync_on_the_same_instance(author, coauthor, cluster):
    proposal = draft_proposal(author)
    proposal.coauthors.add(coauthor)
    grants.sync_proposal_permissions(proposal)
    assert rules.can_edit_proposal(coauthor, proposal)
    proposal.coauthors.remove(coauthor)

    grants.sync_proposal_permissions(proposal)

    assert not rules.can_edit_proposal(coauthor, proposal)
