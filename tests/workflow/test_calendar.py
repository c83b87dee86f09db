"""The working-day calendar: the Russian production calendar from the `holidays` package (with
the Labour Code's carry-over past the package's last decree), and CalendarDay overrides winning
over it."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from workflow import calendar
from workflow.models import CalendarDay

D = datetime.date
pytestmark = pytest.mark.django_db


def test_working_days_skip_a_weekend_and_a_public_holiday():
    # 4 November 2026 (Wednesday) is День народного единства; 7–8 November a weekend.
    assert calendar.add_working_days(D(2026, 11, 2), 3) == D(2026, 11, 6)
    assert calendar.add_working_days(D(2026, 11, 6), 2) == D(2026, 11, 10)
    assert calendar.add_working_days(D(2026, 11, 2), 5) == D(2026, 11, 10)
    assert calendar.working_days_between(D(2026, 11, 2), D(2026, 11, 10)) == 5


def test_new_year_holidays_and_a_carried_over_day_off_count_as_days_off():
    # 31 December 2026 is a day off carried over from Sunday 4 January 2026.
    assert calendar.add_working_days(D(2026, 12, 30), 1) == D(2027, 1, 11)


def test_a_saturday_the_decree_makes_a_working_day_counts_and_its_monday_is_off():
    # 2027: Saturday 20 February is worked, Monday 22 February is off (before 23 February).
    assert calendar.is_working_day(D(2027, 2, 20))
    assert not calendar.is_working_day(D(2027, 2, 22))
    assert calendar.add_working_days(D(2027, 2, 19), 1) == D(2027, 2, 20)
    assert calendar.add_working_days(D(2027, 2, 20), 1) == D(2027, 2, 24)


@pytest.mark.parametrize(
    "day",
    [
        *[D(2030, 1, n) for n in range(1, 9)],
        D(2030, 2, 23),
        D(2030, 3, 8),
        D(2030, 5, 1),
        D(2030, 5, 9),
        D(2030, 6, 12),
        D(2030, 11, 4),
    ],
)
def test_public_holidays_of_a_year_without_a_known_decree_are_days_off(day):
    assert not calendar.is_working_day(day)


def test_a_holiday_on_a_weekend_gives_the_next_working_day_off_past_the_last_decree():
    # 23 February 2030 is a Saturday: Monday 25 February is off (art. 112). 5–6 January 2030
    # fall on the New Year holidays, which only a decree carries over: 9 January is worked.
    assert not calendar.is_working_day(D(2030, 2, 25))
    assert calendar.is_working_day(D(2030, 2, 26))
    assert calendar.is_working_day(D(2030, 1, 9))


def test_working_days_run_across_the_new_year_of_2030():
    # 2029-12-31 is a Monday; 1–8 January 2030 are the New Year holidays.
    assert calendar.add_working_days(D(2029, 12, 28), 1) == D(2029, 12, 31)
    assert calendar.add_working_days(D(2029, 12, 31), 1) == D(2030, 1, 9)
    assert calendar.working_days_between(D(2029, 12, 28), D(2030, 1, 10)) == 3


def test_a_calendar_day_overrides_the_package():
    CalendarDay.objects.create(date=D(2026, 11, 7), kind=CalendarDay.Kind.WORKING)
    CalendarDay.objects.create(date=D(2030, 1, 9), kind=CalendarDay.Kind.HOLIDAY)
    CalendarDay.objects.create(date=D(2030, 5, 9), kind=CalendarDay.Kind.WORKING)

    assert calendar.add_working_days(D(2026, 11, 6), 1) == D(2026, 11, 7)
    assert calendar.add_working_days(D(2029, 12, 31), 1) == D(2030, 1, 10)
    assert calendar.is_working_day(D(2030, 5, 9))


@pytest.mark.parametrize(("year", "working_days"), [(2024, 248), (2025, 247), (2026, 247)])
def test_a_year_has_as_many_working_days_as_the_production_calendar_counts(
    year, working_days, django_assert_num_queries
):
    with django_assert_num_queries(1):  # the overrides, read once for the range
        counted = calendar.working_days_between(D(year - 1, 12, 31), D(year, 12, 31))

    assert counted == working_days


@pytest.mark.django_db(transaction=True)
def test_the_migration_removes_only_the_loaded_rows_the_package_gives_too():
    executor = MigrationExecutor(connection)
    executor.migrate([("workflow", "0005_audit_mac_global_order_checkpoints")])  # 0003's rows back
    CalendarDay.objects.filter(date=D(2026, 11, 4)).update(name="День народного единства (МБК)")
    CalendarDay.objects.create(date=D(2026, 12, 30), kind=CalendarDay.Kind.HOLIDAY)

    call_command("migrate", "workflow", verbosity=0)

    assert list(CalendarDay.objects.values_list("date", flat=True)) == [
        D(2026, 11, 4),
        D(2026, 12, 30),
    ]
