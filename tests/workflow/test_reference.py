"""Reference tables read through the cache (workflow.reference): a change of a row is seen at
once, by a save, a delete and the admin's bulk delete."""

import datetime

import pytest

from documents.models import ReviewCriterion
from documents.selectors import review_criteria
from workflow.calendar import is_working_day, overrides
from workflow.models import CalendarDay

SATURDAY = datetime.date(2031, 3, 1)


@pytest.mark.django_db
def test_a_calendar_day_saved_or_deleted_is_seen_at_once(django_assert_num_queries):
    assert not is_working_day(SATURDAY, overrides(SATURDAY, SATURDAY))
    with django_assert_num_queries(0):
        overrides(SATURDAY, SATURDAY)  # read through the cache

    day = CalendarDay.objects.create(date=SATURDAY, kind=CalendarDay.Kind.WORKING)
    assert is_working_day(SATURDAY, overrides(SATURDAY, SATURDAY))

    CalendarDay.objects.filter(pk=day.pk).delete()
    assert not is_working_day(SATURDAY, overrides(SATURDAY, SATURDAY))


@pytest.mark.django_db
def test_a_review_criterion_changed_is_seen_at_once(django_assert_num_queries):
    before = review_criteria()
    with django_assert_num_queries(0):
        assert review_criteria() == before

    added = ReviewCriterion.objects.create(
        code="zz", name_ru="Новый", name_en="New", weight=1, position=99
    )
    assert added in review_criteria()

    added.name_ru = "Переименован"
    added.save()
    assert [c.name_ru for c in review_criteria() if c.pk == added.pk] == ["Переименован"]

    ReviewCriterion.objects.filter(pk=added.pk).delete()
    assert review_criteria() == before
