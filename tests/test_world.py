"""The world every test starts with (tests/conftest.py): the cluster directory is in the test
database from its migration on, and back after the flush that follows a transactional test, so
no test depends on the tests that ran before it on its worker. The calendar has no rows: the
holidays package gives it (workflow/calendar.py), CalendarDay holds local overrides only."""

import pytest
from django.core.management import call_command

from directory.models import Body, Direction, Organisation
from workflow.models import CalendarDay


def world() -> dict:
    return {
        "calendar days": CalendarDay.objects.count(),
        "directions": Direction.objects.count(),
        "bodies": sorted(Body.objects.values_list("code", "members_group__name")),
        "organisations": Organisation.objects.count(),
    }


@pytest.mark.django_db
def test_every_test_starts_with_the_directory_and_no_calendar_overrides(cluster):
    found = world()

    assert found["calendar days"] == 0
    assert found["directions"] == 4
    assert ("wg-pharma", "mbk:body:wg-pharma") in found["bodies"]
    assert set(cluster) == {code for code, _ in found["bodies"]}


@pytest.mark.django_db(transaction=True)
def test_the_flush_after_a_transactional_test_leaves_the_same_world():
    before = world()

    call_command("flush", interactive=False)

    assert world() == before
