"""mbk/expressions.py Quantized: a computed decimal comes back with its field's places."""

from decimal import Decimal

import pytest
from django.db.models import Avg, DecimalField, Value

from directory.models import Body
from mbk.expressions import Quantized

TWO_PLACES = DecimalField(max_digits=4, decimal_places=2)


@pytest.mark.django_db
def test_a_computed_decimal_comes_back_with_the_fields_places(cluster):
    values = Body.objects.aggregate(
        mean=Quantized(Avg(Value(3.2, output_field=TWO_PLACES)), TWO_PLACES)
    )

    assert values["mean"] == Decimal("3.20")
    assert str(values["mean"]) == "3.20"


@pytest.mark.django_db
def test_nothing_stays_nothing(cluster):
    values = Body.objects.filter(pk=-1).aggregate(
        mean=Quantized(Avg(Value(3.2, output_field=TWO_PLACES)), TWO_PLACES)
    )

    assert values["mean"] is None
