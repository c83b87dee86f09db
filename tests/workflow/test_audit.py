"""The audit trail's hash chain: `verify_audit` passes on a real history and names the first
entry broken by a change made behind the application's back (in SQL)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from documents.models import Proposal
from tests.workflow.states import proposal_in, with_reviewers
from workflow import audit
from workflow.models import AuditEntry

State = Proposal.State


@pytest.fixture
def people(cluster, author, coauthor, chair, expert, office, secretary):
    return with_reviewers(
        cluster,
        author=author,
        coauthor=coauthor,
        chair=chair,
        expert=expert,
        office=office,
        secretary=secretary,
    )


@pytest.fixture
def approved(people):
    return proposal_in(State.APPROVED, people)


def entries(proposal: Proposal) -> list[AuditEntry]:
    return list(audit.history(proposal))


def sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify_audit() -> str:
    """Run the command; its output, or the CommandError's message."""
    out = StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except CommandError as error:
        return f"ERROR {error}"
    return out.getvalue()


@pytest.mark.django_db
def test_verify_audit_passes_on_a_whole_lifecycle(approved, people):
    withdrawn = proposal_in(State.WITHDRAWN, people, title="Отозванная")
    total = AuditEntry.objects.count()

    output = verify_audit()

    assert [e.action for e in entries(approved)] == [
        "created",
        "submitted",
        "experts_assigned",
        "reviewed",
        "reviewed",
        "approved_in_group",
        "sent_to_governance",
        "approved",
    ]
    assert [e.action for e in entries(withdrawn)][-1] == "withdrawn"
    assert output == f"Audit trail intact: {total} entries checked.\n"


@pytest.mark.django_db
def test_verify_audit_detects_a_changed_comment(approved):
    target = entries(approved)[5]  # approved_in_group
    sql("UPDATE workflow_auditentry SET comment = %s WHERE id = %s", ["Одобрено", target.pk])

    output = verify_audit()

    assert output.startswith(f"ERROR Audit trail broken at entry id={target.pk} ")
    assert f"documents.proposal #{approved.pk}, sequence 6" in output
    assert "its content does not match its hash" in output


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "rejected"),
        ("to_state", "rejected"),
        ("actor_id", None),
        ("reference", "№ 999"),
        ("content_sha256", "f" * 64),
    ],
)
def test_verify_audit_detects_any_changed_field(approved, column, value):
    target = entries(approved)[-1]
    sql(f"UPDATE workflow_auditentry SET {column} = %s WHERE id = %s", [value, target.pk])  # noqa: S608

    output = verify_audit()

    assert output.startswith(f"ERROR Audit trail broken at entry id={target.pk} ")


@pytest.mark.django_db
def test_verify_audit_names_the_first_of_several_broken_entries(approved):
    chain = entries(approved)
    for entry in (chain[6], chain[2]):
        sql("UPDATE workflow_auditentry SET comment = 'x' WHERE id = %s", [entry.pk])

    output = verify_audit()

    assert output.startswith(f"ERROR Audit trail broken at entry id={chain[2].pk} ")
    assert "2 entries before it are intact" in output


@pytest.mark.django_db
def test_verify_audit_detects_a_rewritten_hash(approved):
    chain = entries(approved)
    sql("UPDATE workflow_auditentry SET comment = 'x' WHERE id = %s", [chain[3].pk])
    forged = audit._entry_hash(AuditEntry.objects.get(pk=chain[3].pk))
    sql("UPDATE workflow_auditentry SET entry_hash = %s WHERE id = %s", [forged, chain[3].pk])

    output = verify_audit()

    assert output.startswith(f"ERROR Audit trail broken at entry id={chain[4].pk} ")
    assert "it does not point at the entry before it" in output


@pytest.mark.django_db
def test_verify_audit_detects_a_deleted_middle_entry(approved):
    chain = entries(approved)
    sql("DELETE FROM workflow_auditentry WHERE id = %s", [chain[3].pk])

    output = verify_audit()

    assert output.startswith(f"ERROR Audit trail broken at entry id={chain[4].pk} ")
    assert "sequence 5 where 4 was expected" in output


@pytest.mark.django_db
def test_verify_audit_detects_a_deleted_and_renumbered_entry(approved):
    chain = entries(approved)
    sql("DELETE FROM workflow_auditentry WHERE id = %s", [chain[3].pk])
    for entry in chain[4:]:
        sql(
            "UPDATE workflow_auditentry SET sequence = %s WHERE id = %s",
            [entry.sequence - 1, entry.pk],
        )

    output = verify_audit()

    assert output.startswith(f"ERROR Audit trail broken at entry id={chain[4].pk} ")


@pytest.mark.django_db
def test_verify_audit_detects_swapped_entries(approved):
    chain = entries(approved)
    first, second = chain[3], chain[4]
    sql("UPDATE workflow_auditentry SET sequence = 1000 WHERE id = %s", [first.pk])
    sql("UPDATE workflow_auditentry SET sequence = %s WHERE id = %s", [first.sequence, second.pk])
    sql("UPDATE workflow_auditentry SET sequence = %s WHERE id = %s", [second.sequence, first.pk])

    output = verify_audit()

    assert output.startswith(f"ERROR Audit trail broken at entry id={second.pk} ")


@pytest.mark.django_db
def test_verify_audit_detects_an_entry_moved_to_another_proposal(approved, people):
    other = proposal_in(State.DRAFT, people, title="Другая")
    moved = entries(approved)[-1]
    sql(
        "UPDATE workflow_auditentry SET object_id = %s, sequence = %s WHERE id = %s",
        [other.pk, len(entries(other)) + 1, moved.pk],
    )

    output = verify_audit()

    assert output.startswith(f"ERROR Audit trail broken at entry id={moved.pk} ")


@pytest.mark.django_db
def test_audit_entries_refuse_update_and_delete_through_the_orm(approved):
    entry = entries(approved)[0]
    entry.comment = "Исправлено"

    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()

    assert verify_audit().startswith("Audit trail intact")
