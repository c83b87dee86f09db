"""Single-line text (mbk/text.py): a title, a name or a place typed into a form or sent to the
API holds no line break or other control character; text that takes several lines keeps them."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers

from documents.models import Proposal
from mbk import forms as mbk_forms
from mbk import serializers as mbk_serializers
from mbk.text import MULTILINE, validate_single_line
from tests.api.conftest import api_as
from tests.factories import CallFactory

REFUSAL = (
    "Введите значение одной строкой: уберите переносы строк, табуляцию и другие управляющие "
    "символы."
)


class PlaceForm(forms.Form):
    place = mbk_forms.CharField()
    note = mbk_forms.CharField(widget=forms.Textarea)


class PlaceSerializer(serializers.Serializer):
    place = mbk_serializers.CharField()
    note = mbk_serializers.CharField(style=MULTILINE)


@pytest.mark.parametrize("place", ["Место\r\nX", "Место\nX", "Место\rX", "Место\tX", "Место\x1bX"])
def test_form_text_input_with_a_control_character_is_refused(place):
    form = PlaceForm({"place": place, "note": "строка 1\r\nстрока 2"})

    assert not form.is_valid()
    assert form.errors == {"place": [REFUSAL]}


def test_form_textarea_keeps_its_line_breaks():
    form = PlaceForm({"place": "Зал «Чёрная штора»", "note": "строка 1\r\nстрока 2"})

    assert form.is_valid()
    assert form.cleaned_data == {"place": "Зал «Чёрная штора»", "note": "строка 1\r\nстрока 2"}


@pytest.mark.parametrize("place", ["Место\r\nX", "Место\u2028X", "Место\x85X", "Место\x00X"])
def test_api_char_field_with_a_control_character_is_refused(place):
    data = PlaceSerializer(data={"place": place, "note": "строка 1\nстрока 2"})

    assert not data.is_valid()
    assert data.errors == {"place": [REFUSAL]}


def test_api_multiline_field_keeps_its_line_breaks():
    data = PlaceSerializer(data={"place": "Зал", "note": "строка 1\nстрока 2"})

    assert data.is_valid()
    assert data.validated_data == {"place": "Зал", "note": "строка 1\nстрока 2"}


def test_model_validator_refuses_a_line_break_in_a_place():
    with pytest.raises(ValidationError) as refused:
        validate_single_line("Место\r\nX")

    assert refused.value.messages == [REFUSAL]


@pytest.mark.django_db
def test_api_proposal_created_with_a_line_break_in_the_title_is_refused(cluster, author):
    call = CallFactory()

    response = api_as(author).post(
        "/api/v1/proposals/",
        {"call": call.pk, "direction": "pharma", "title": "Вакцины\r\nX"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"title": [REFUSAL]}
    assert Proposal.objects.count() == 0


@pytest.mark.django_db
def test_api_proposal_title_edited_with_a_line_break_is_refused(cluster, author):
    call = CallFactory()
    client = api_as(author)
    created = client.post(
        "/api/v1/proposals/",
        {"call": call.pk, "direction": "pharma", "title": "Вакцины"},
        format="json",
    ).json()
    revision = Proposal.objects.get().edition

    response = client.patch(
        f"/api/v1/proposals/{created['id']}/",
        {"edition": revision, "title": "Вакцины\nX", "summary": "абзац 1\nабзац 2"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"title": [REFUSAL]}
    assert Proposal.objects.get().title == "Вакцины"
