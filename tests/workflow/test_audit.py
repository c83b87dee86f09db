"""The audit trail's MAC chain: `verify_audit` passes on a real history and names every
problem left by a change made behind the application's back (in SQL), even one recomputed
without the key, and by a checkpoint file cut short."""

import hashlib
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from documents.models import Proposal
from tests.workflow.states import proposal_in, with_reviewers
from workflow import audit
from workflow.models import AuditCheckpoint, AuditEntry, AuditHead

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


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path):
    settings.MBK_AUDIT_CHECKPOINT_FILE = tmp_path / "audit" / "checkpoints.log"
    return settings.MBK_AUDIT_CHECKPOINT_FILE


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


def forge(entry_id: int, key: str = "a-key-that-is-not-the-audit-key-0123456789") -> str:
    """Recompute an entry's MAC as an intruder would: without the audit key."""
    entry = AuditEntry.objects.get(pk=entry_id)
    return audit._mac(key, audit.entry_fields(entry, audit._kind(entry.content_type_id)))


def newest() -> AuditEntry:
    return AuditEntry.objects.order_by("-position").first()


@pytest.mark.django_db
def test_verify_audit_passes_on_a_whole_lifecycle(approved, people):
    withdrawn = proposal_in(State.WITHDRAWN, people, title="Отозванная")
    audit.write_checkpoint()
    total = AuditEntry.objects.count()

    output = verify_audit()

    assert [e.action for e in entries(approved)] == [
        "created",
        "content_edited",
        "coauthor_added",
        "submitted",
        "experts_assigned",
        "reviewed",
        "reviewed",
        "approved_in_group",
        "sent_to_governance",
        "approved",
    ]
    assert [e.action for e in entries(withdrawn)][-1] == "withdrawn"
    assert output == f"Audit trail intact: {total} entries and 1 checkpoints checked.\n"


@pytest.mark.django_db
def test_audit_entries_have_one_global_order_chained_by_mac(approved, people):
    other = proposal_in(State.DRAFT, people, title="Другая")

    everything = list(AuditEntry.objects.order_by("position"))

    assert [e.position for e in everything] == list(range(1, len(everything) + 1))
    assert [e.previous_hash for e in everything[1:]] == [e.entry_hash for e in everything[:-1]]
    assert everything[-1].object_id == other.pk
    assert {e.key_id for e in everything} == {"k1"}
    assert AuditHead.objects.get().position == len(everything)


@pytest.mark.django_db
def test_verify_audit_detects_a_deleted_newest_entry(approved):
    last = newest()
    sql("DELETE FROM workflow_auditentry WHERE id = %s", [last.pk])

    output = verify_audit()

    assert output.startswith("ERROR Audit trail damaged: 2 problem(s)")
    assert (
        f"- the head row: it names position {last.position}, but the trail ends at "
        f"{last.position - 1}: the newest entries were deleted"
    ) in output
    assert (
        f"- documents.proposal #{approved.pk}: its state is 'approved' but its last entry "
        "records 'governance_review' (changed without an entry)"
    ) in output


@pytest.mark.django_db
def test_verify_audit_detects_deleted_newest_entries_behind_a_checkpoint(approved):
    audit.write_checkpoint()
    last = newest()
    sql("DELETE FROM workflow_auditentry WHERE id = %s", [last.pk])
    sql(
        "UPDATE workflow_audithead SET position = %s, entry_hash = %s",
        [last.position - 1, last.previous_hash],
    )

    output = verify_audit()

    assert (
        f"- database checkpoint 1: it saw the chain up to position {last.position}, but the "
        f"trail ends at {last.position - 1}: the newest entries were deleted"
    ) in output
    assert f"- file checkpoint 1: it saw the chain up to position {last.position}" in output


@pytest.mark.django_db
def test_verify_audit_detects_a_deleted_chain(approved, people):
    proposal_in(State.DRAFT, people, title="Написанная позже")
    chain = entries(approved)
    sql("DELETE FROM workflow_auditentry WHERE object_id = %s", [approved.pk])

    output = verify_audit()

    after = AuditEntry.objects.order_by("position").filter(position__gt=chain[-1].position)
    assert (
        f"- entry id={after.first().pk} (position {chain[-1].position + 1}, documents.proposal"
    ) in output
    assert (
        f"the entries at positions {chain[0].position}-{chain[-1].position} are missing (deleted)"
    ) in output
    assert (
        f"- documents.proposal #{approved.pk}: its state is 'approved' but the trail records "
        "no state for it"
    ) in output


@pytest.mark.django_db
@pytest.mark.parametrize("forger", ["wrong key", "plain SHA-256"])
def test_verify_audit_detects_an_entry_recomputed_without_the_key(approved, forger):
    target = newest()
    sql("UPDATE workflow_auditentry SET comment = %s WHERE id = %s", ["Одобрено", target.pk])
    if forger == "wrong key":
        forged = forge(target.pk)
    else:
        fields = audit.entry_fields(AuditEntry.objects.get(pk=target.pk), "documents.proposal")
        forged = hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()
    sql("UPDATE workflow_auditentry SET entry_hash = %s WHERE id = %s", [forged, target.pk])
    sql("UPDATE workflow_audithead SET entry_hash = %s", [forged])

    output = verify_audit()

    assert output == (
        f"ERROR Audit trail damaged: 1 problem(s) in {target.position} entries and 0 "
        f"checkpoints:\n- entry id={target.pk} (position {target.position}, documents.proposal "
        f"#{approved.pk}, sequence {target.sequence}, approved): its content does not match its "
        "MAC (changed, or recomputed without the key)"
    )


@pytest.mark.django_db
def test_verify_audit_detects_a_middle_entry_edited_and_the_rest_recomputed(approved):
    chain = list(AuditEntry.objects.order_by("position"))
    sql("UPDATE workflow_auditentry SET comment = 'x' WHERE id = %s", [chain[3].pk])
    previous = chain[2].entry_hash
    for entry in chain[3:]:
        sql("UPDATE workflow_auditentry SET previous_hash = %s WHERE id = %s", [previous, entry.pk])
        previous = forge(entry.pk)
        sql("UPDATE workflow_auditentry SET entry_hash = %s WHERE id = %s", [previous, entry.pk])
    sql("UPDATE workflow_audithead SET entry_hash = %s", [previous])

    output = verify_audit()

    assert output.startswith(
        f"ERROR Audit trail damaged: {len(chain) - 3} problem(s) in {len(chain)} entries"
    )
    assert [line.split(" (")[0] for line in output.splitlines()[1:]] == [
        f"- entry id={entry.pk}" for entry in chain[3:]
    ]
    assert output.count("its content does not match its MAC") == len(chain) - 3


@pytest.mark.django_db
def test_verify_audit_detects_a_state_changed_without_an_entry(people):
    draft = proposal_in(State.DRAFT, people)
    sql("UPDATE documents_proposal SET state = 'approved' WHERE id = %s", [draft.pk])

    output = verify_audit()

    assert output == (
        f"ERROR Audit trail damaged: 1 problem(s) in {AuditEntry.objects.count()} entries and 0 "
        f"checkpoints:\n- documents.proposal #{draft.pk}: its state is 'approved' but its last "
        "entry records 'draft' (changed without an entry)"
    )


@pytest.mark.django_db
def test_verify_audit_detects_a_truncated_checkpoint_file(approved, checkpoint_file):
    audit.write_checkpoint()
    audit.write_checkpoint()
    first_line = checkpoint_file.read_text().splitlines()[0]
    checkpoint_file.write_text(first_line + "\n")

    output = verify_audit()

    assert output == (
        f"ERROR Audit trail damaged: 1 problem(s) in {newest().position} entries and 2 "
        "checkpoints:\n"
        "- database checkpoint 2: it is missing from the checkpoint file (the file was "
        "truncated or replaced)"
    )


@pytest.mark.django_db
def test_verify_audit_detects_a_forged_checkpoint_line(approved, checkpoint_file):
    audit.write_checkpoint()
    line = json.loads(checkpoint_file.read_text())
    line["position"] = 5
    checkpoint_file.write_text(json.dumps(line) + "\n")

    output = verify_audit()

    assert "- file checkpoint 1: its content does not match its MAC" in output
    assert "- database checkpoint 1: it differs from the file's line" not in output
    assert "the entry at position 5 differs from the one it saw" in output


@pytest.mark.django_db
def test_verify_audit_says_when_the_newest_checkpoint_is_too_old(approved, checkpoint_file):
    stale = AuditCheckpoint(
        number=1,
        position=newest().position,
        head_hash=newest().entry_hash,
        at=timezone.now().replace(microsecond=0) - timedelta(hours=2, seconds=1),
        key_id="k1",
        previous_mac=audit.GENESIS,
    )
    stale.mac = audit.checkpoint_mac(stale)
    stale.save()
    audit._append(checkpoint_file, audit.checkpoint_line(stale))

    output = verify_audit()

    assert output == (
        f"ERROR Audit trail damaged: 1 problem(s) in {stale.position} entries and 1 "
        f"checkpoints:\n- checkpoints: the newest was written at {stale.at.isoformat()}, "
        "more than twice the interval (1:00:00) ago: is beat running?"
    )


@pytest.mark.django_db
def test_verify_audit_accepts_entries_of_a_retired_key(approved, settings):
    old_key = settings.MBK_AUDIT_KEY
    settings.MBK_AUDIT_OLD_KEYS = {"k1": old_key}
    settings.MBK_AUDIT_KEY_ID = "k2"
    settings.MBK_AUDIT_KEY = "the-new-audit-key-after-rotation-0123456789"
    audit.record(approved, actor=None, action="rotated")

    output = verify_audit()

    assert output == (
        f"Audit trail intact: {newest().position} entries and 0 checkpoints checked.\n"
    )
    assert newest().key_id == "k2"


@pytest.mark.django_db
def test_verify_audit_refuses_entries_of_an_unknown_key(approved, settings):
    settings.MBK_AUDIT_KEY_ID = "k2"
    settings.MBK_AUDIT_KEY = "the-new-audit-key-after-rotation-0123456789"

    output = verify_audit()

    assert output.count("it is signed with an unknown key id 'k1'") == newest().position


@pytest.mark.django_db
def test_write_checkpoint_appends_a_chained_line(approved, checkpoint_file):
    first = audit.write_checkpoint()
    second = audit.write_checkpoint()

    lines = [json.loads(line) for line in checkpoint_file.read_text().splitlines()]

    head = newest().position
    assert [(c["number"], c["position"]) for c in lines] == [(1, head), (2, head)]
    assert lines[1]["previous"] == first.mac
    assert lines[1]["mac"] == second.mac
    assert lines[0]["head"] == newest().entry_hash


@pytest.mark.django_db
def test_task_write_audit_checkpoint_mails_the_office(approved, office, mailoutbox):
    from workflow.tasks import task_write_audit_checkpoint

    number = task_write_audit_checkpoint()

    assert number == 1
    assert [m.to for m in mailoutbox] == [[office.email]]
    assert mailoutbox[0].subject == "Контрольная точка журнала аудита № 1"
    assert f'"position": {newest().position}' in mailoutbox[0].body


@pytest.mark.django_db
def test_task_verify_audit_notifies_the_office_of_damage(approved, office):
    from workflow.tasks import task_verify_audit

    sql("UPDATE workflow_auditentry SET comment = 'x' WHERE id = %s", [newest().pk])
    before = office.notices.count()

    problems = task_verify_audit()

    assert (problems, office.notices.count()) == (1, before + 1)
    assert office.notices.latest("pk").text.startswith(
        "Ежедневная проверка журнала аудита обнаружила нарушения (1), первое: entry id="
    )


@pytest.mark.django_db
def test_task_verify_audit_is_silent_on_an_intact_trail(approved, office):
    from workflow.tasks import task_verify_audit

    before = office.notices.count()

    problems = task_verify_audit()

    assert (problems, office.notices.count()) == (0, before)


@pytest.mark.django_db
def test_audit_entries_refuse_update_and_delete_through_the_orm(approved):
    entry = entries(approved)[0]
    entry.comment = "Исправлено"

    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()

    assert verify_audit().startswith("Audit trail intact")
