"""mbk/forms.py ModelChoiceField: a select of rows is read in one plain SELECT, kept for the
next reading, not through QuerySet.iterator() (a server-side cursor on PostgreSQL)."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Body
from mbk.forms import ModelChoiceField
from tests.factories import BodyFactory


class BodyForm(forms.Form):
    body = ModelChoiceField(queryset=Body.objects.order_by("position", "pk"), required=False)


@pytest.mark.django_db
def test_a_select_of_rows_is_read_in_one_select(cluster):
    form = BodyForm()

    with CaptureQueriesContext(connection) as queries:
        html = str(form["body"])
        listed = [value for value, _label in form.fields["body"].choices]

    assert [q["sql"].split()[0] for q in queries] == ["SELECT"]  # not DECLARE ... CURSOR
    bodies = list(Body.objects.order_by("position", "pk"))
    assert listed == ["", *(body.pk for body in bodies)]
    for body in bodies:
        assert f'<option value="{body.pk}">{body}</option>' in html


@pytest.mark.django_db
def test_each_form_reads_the_rows_as_they_are(cluster):
    first = [value for value, _label in BodyForm().fields["body"].choices]
    added = BodyFactory(kind=Body.Kind.INFRASTRUCTURE_GROUP)

    second = [value for value, _label in BodyForm().fields["body"].choices]

    assert added.pk not in first
    assert set(second) == {*first, added.pk}


@pytest.mark.django_db
def test_a_choice_is_still_checked_against_the_database(cluster):
    body = Body.objects.order_by("pk").first()
    assert BodyForm({"body": body.pk}).is_valid()
    assert not BodyForm({"body": 10**9}).is_valid()
