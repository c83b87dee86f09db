import pytest

from tests.factories import draft_proposal
from workflow import audit


@pytest.mark.django_db
def test_audit_entry_refuses_update_and_delete(author, cluster):
    proposal = draft_proposal(author)
    entry = audit.history(proposal).first()  # "created"
    entry.comment = "переписано"

    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()

    assert audit.history(proposal).first().comment == ""
