"""The working-day calendar: the Russian production calendar from the `holidays` package, with
local overrides in CalendarDay, which win over it.

The package gives the public holidays (Labour Code, art. 112), the days off the Government's
yearly decree carries over (to a weekday, from a weekend or from a holiday on a weekend) and the
Saturdays the decree makes working days (`weekend_workdays`), for the years whose decree it
knows. For a later year it gives only the holidays themselves; there we apply the Labour Code's
own rule: a holiday on a Saturday or Sunday gives the next working day off, except the New Year
holidays of 1–8 January, which only a decree carries over. Until the package knows a new
decree, a CalendarDay row in the admin ("Production calendar") puts a day right."""

import datetime
import functools

import holidays
from holidays.countries.russia import RussiaStaticHolidays

from workflow import reference
from workflow.models import CalendarDay

ONE_DAY = datetime.timedelta(days=1)


def _decreed(year: int) -> bool:
    """Whether the package knows the Government's decree carrying days off over for the year."""
    return (
        year in RussiaStaticHolidays.special_public_holidays
        or year in RussiaStaticHolidays.special_public_holidays_observed
    )


def _carried_over(holidays_of_year: set[datetime.date]) -> set[datetime.date]:
    """Art. 112: a holiday on a weekend gives the next working day off (not 1–8 January)."""
    carried: set[datetime.date] = set()
    for holiday in sorted(holidays_of_year):
        if holiday.weekday() < 5 or (holiday.month == 1 and holiday.day <= 8):
            continue
        day = holiday + ONE_DAY
        while day.weekday() >= 5 or day in holidays_of_year or day in carried:
            day += ONE_DAY
        carried.add(day)
    return carried


@functools.lru_cache(maxsize=64)
def package_exceptions(year: int) -> frozenset[datetime.date]:
    """The year's exceptions to the five-day week by the package (and art. 112 past its last
    decree): the days off on weekdays, and the weekend days made working days."""
    # A decree may carry a day over from the year before or after; ask for those years too.
    russia = holidays.country_holidays("RU", years=(year - 1, year, year + 1))
    days_off = {day for day in russia if day.year == year}
    if not _decreed(year):
        days_off |= _carried_over(days_off)
    working = {day for day in russia.weekend_workdays if day.year == year}
    return frozenset({day for day in days_off if day.weekday() < 5} | working)


# The CalendarDay rows, a few a year, are read whole through the cache (workflow.reference),
# forgotten at every change of a row (WorkflowConfig.ready).
CACHE_KEY = "workflow:calendar-days"


def overrides(start: datetime.date, end: datetime.date) -> dict[datetime.date, str]:
    """The CalendarDay rows from start to end: date -> CalendarDay.Kind (one query, or none
    while the cache holds them)."""
    days = reference.cached_table(
        CACHE_KEY, lambda: dict(CalendarDay.objects.values_list("date", "kind"))
    )
    return {day: kind for day, kind in days.items() if start <= day <= end}


def is_working_day(day: datetime.date, exceptions: dict | None = None) -> bool:
    """Whether `day` is worked; `exceptions`, overrides() read once for a range holding it."""
    exceptions = overrides(day, day) if exceptions is None else exceptions
    if day in exceptions:
        return exceptions[day] == CalendarDay.Kind.WORKING
    return (day.weekday() < 5) != (day in package_exceptions(day.year))


def add_working_days(
    start: datetime.date, days: int, exceptions: dict | None = None
) -> datetime.date:
    """The working day `days` working days after `start` (which itself does not count). A list
    computing many dates passes the calendar's `exceptions` (overrides()) it read once."""
    if exceptions is None:
        exceptions = overrides(start, start + datetime.timedelta(days=days * 3 + 30))
    day, left = start, days
    while left > 0:
        day += ONE_DAY
        if is_working_day(day, exceptions):
            left -= 1
    return day


def working_days_between(
    start: datetime.date, end: datetime.date, exceptions: dict | None = None
) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    if end <= start:
        return 0
    exceptions = overrides(start, end) if exceptions is None else exceptions
    return sum(
        is_working_day(start + datetime.timedelta(days=n), exceptions)
        for n in range(1, (end - start).days + 1)
    )
