"""Migration 0005 numbers the entries written before the upgrade in the order they were
written and MACs them again with the key of the moment (trust on first use): afterwards the
trail verifies, and a change made before the upgrade is vouched for, not detected."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory
from workflow import audit
from workflow.models import AuditEntry, AuditHead

BEFORE = [("workflow", "0004_notice_email_outbox")]
AFTER = [("workflow", "0005_audit_mac_global_order_checkpoints")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_migration_numbers_and_macs_the_entries_written_before_it():
    person = UserFactory()
    # The world's own entries (the certificate authority's, tests/conftest.py) come first.
    earlier = AuditEntry.objects.count()
    migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM django_content_type WHERE app_label = 'accounts' AND model = 'user'"
        )
        kind = cursor.fetchone()[0]
        for sequence, action in enumerate(["created", "changed", "closed"], start=1):
            cursor.execute(
                "INSERT INTO workflow_auditentry (content_type_id, object_id, sequence, at, "
                "action, from_state, to_state, comment, reference, content_sha256, "
                "previous_hash, entry_hash) VALUES (%s, %s, %s, '2026-11-01 10:00:00', %s, "
                "'', '', '', '', '', %s, %s)",
                [kind, person.pk, sequence, action, "0" * 64, f"{sequence:064d}"],
            )

    migrate(AFTER)
    call_command("migrate", verbosity=0)

    migrated = list(AuditEntry.objects.order_by("position"))
    assert [(e.position, e.action, e.key_id) for e in migrated[earlier:]] == [
        (earlier + 1, "created", "k1"),
        (earlier + 2, "changed", "k1"),
        (earlier + 3, "closed", "k1"),
    ]
    assert [e.position for e in migrated[:earlier]] == list(range(1, earlier + 1))
    assert (AuditHead.objects.get().position, AuditHead.objects.get().entry_hash) == (
        earlier + 3,
        migrated[-1].entry_hash,
    )
    # The chain verifies (beat has written no checkpoint: that may be said, nothing else).
    problems = [str(p) for p in audit.check().problems]
    assert [p for p in problems if not p.startswith("checkpoints:")] == []
