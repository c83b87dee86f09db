"""Migration 0003 gives each meeting its calendar counter (Meeting.sequence): a meeting planned
before it starts from its edition, the SEQUENCE its invitations carried until then, so the one
sent after a move still updates people's calendar entries."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from meetings.models import Meeting
from tests.meetings.test_services import day_at
from tests.workflow.states import make_people

BEFORE = [("meetings", "0002_single_line_text")]
AFTER = [("meetings", "0003_meeting_sequence")]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_migration_starts_the_sequence_of_existing_meetings_from_their_edition():
    people = make_people()
    executor = migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    old = apps.get_model("meetings", "Meeting").objects.create(
        body_id=people["secretary"].memberships.get().body_id,
        number=1,
        starts_at=day_at(days=7),
        place="Зал",
        edition=4,
        created_by_id=people["secretary"].pk,
    )

    migrate(AFTER)
    call_command("migrate", verbosity=0)

    assert Meeting.objects.get(pk=old.pk).sequence == 4
