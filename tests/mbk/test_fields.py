"""Our text fields (mbk/forms.py, mbk/serializers.py) apply mbk/text.py's rule; Django's and
REST framework's are not patched any more; and every form, serializer and admin form of ours
uses ours for its text, so that a new one cannot forget."""

import importlib
import pkgutil

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from rest_framework import serializers

from accounts.models import User
from mbk import forms as mbk_forms
from mbk import serializers as mbk_serializers

OUR_PACKAGES = ("accounts", "api", "directory", "documents", "meetings", "mbk", "programme")
OUR_PACKAGES += ("workflow",)
REFUSAL = (
    "Введите значение одной строкой: уберите переносы строк, табуляцию и другие управляющие "
    "символы."
)


# --- The fields ----------------------------------------------------------------------------
def test_form_field_drops_invisible_characters_at_the_edges():
    field = mbk_forms.CharField()

    assert field.clean(" \u200b\ufeffЗал «Чёрная\u200bштора»\u2060\u202e ") == (
        "Зал «Чёрная\u200bштора»"
    )


def test_form_field_of_invisible_characters_only_is_empty():
    with pytest.raises(ValidationError) as refused:
        mbk_forms.CharField().clean("\u200b\u200d\ufeff")

    assert refused.value.code == "required"
    assert mbk_forms.CharField(required=False).clean("\u200b \ufeff") == ""


def test_form_text_input_refuses_a_line_break_and_a_textarea_keeps_it():
    with pytest.raises(ValidationError) as refused:
        mbk_forms.CharField().clean("Место\nX")

    assert refused.value.messages == [REFUSAL]
    assert mbk_forms.CharField(widget=forms.Textarea).clean("строка 1\r\nстрока 2") == (
        "строка 1\r\nстрока 2"
    )


def test_form_field_that_does_not_strip_keeps_the_value():
    field = mbk_forms.CharField(strip=False, widget=forms.PasswordInput)

    assert field.clean(" \u200bпароль\t") == " \u200bпароль\t"


def test_form_email_and_url_fields_drop_invisible_characters_before_checking():
    email = mbk_forms.EmailField().clean("\u200bautor@example.ru\ufeff")
    url = mbk_forms.URLField(assume_scheme="https").clean("\u200bbioproekt.ru\u200b")

    assert (email, url) == ("autor@example.ru", "https://bioproekt.ru")


def test_form_slug_field_drops_invisible_characters():
    assert mbk_forms.SlugField().clean("\ufeffpharma\u200b") == "pharma"


def test_api_field_drops_invisible_characters_and_refuses_a_line_break():
    field = mbk_serializers.CharField()

    assert field.run_validation("\u200b Зал \ufeff") == "Зал"
    with pytest.raises(serializers.ValidationError) as refused:
        field.run_validation("Зал\u2028X")
    assert refused.value.detail == [REFUSAL]


def test_api_multiline_field_keeps_its_line_breaks():
    field = mbk_serializers.CharField(style={"base_template": "textarea.html"})

    assert field.run_validation("\u200bабзац 1\nабзац 2\n") == "абзац 1\nабзац 2"


def test_api_field_of_invisible_characters_only_is_blank():
    with pytest.raises(serializers.ValidationError) as refused:
        mbk_serializers.CharField().run_validation("\u200b\ufeff")

    assert refused.value.detail[0].code == "blank"


def test_api_email_field_drops_invisible_characters_before_checking():
    assert mbk_serializers.EmailField().run_validation("\u200ba@example.ru") == "a@example.ru"


def test_django_and_rest_framework_fields_are_not_patched():
    form_value = forms.CharField().clean("\u200bx\nx")  # noqa: TID251 — Django's own, on purpose
    api_value = serializers.CharField().run_validation("\u200bx\nx")  # noqa: TID251

    assert (form_value, api_value) == ("\u200bx\nx", "\u200bx\nx")


# --- Every form and serializer of ours -----------------------------------------------------
def _import_our_modules() -> None:
    for package in OUR_PACKAGES:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            if ".migrations" in info.name or info.name in ("mbk.wsgi", "mbk.settings"):
                continue
            importlib.import_module(info.name)


def _ours(cls: type) -> bool:
    return cls.__module__.split(".")[0] in OUR_PACKAGES


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def _form_fields_not_ours(form_class) -> list[str]:
    """Django text fields the rule would act on (a field that strips, or a text input)."""
    return [
        f"{form_class.__module__}.{form_class.__name__}.{name}"
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.CharField)  # noqa: TID251 — any text field, ours or not
        and not isinstance(field, mbk_forms.CharField | forms.JSONField)
        and (field.strip or isinstance(field.widget, forms.TextInput))
    ]


def test_every_form_of_ours_uses_our_text_fields():
    _import_our_modules()
    form_classes = [cls for cls in _subclasses(forms.BaseForm) if _ours(cls)]

    assert len(form_classes) > 30
    assert [name for cls in form_classes for name in _form_fields_not_ours(cls)] == []


def _serializer_fields_not_ours(field, path: str) -> list[str]:
    if isinstance(field, serializers.ListSerializer):
        return _serializer_fields_not_ours(field.child, path)
    if isinstance(field, serializers.BaseSerializer):
        return [
            name
            for key, child in field.fields.items()
            for name in _serializer_fields_not_ours(child, f"{path}.{key}")
        ]
    if isinstance(field, serializers.ListField | serializers.DictField):
        return _serializer_fields_not_ours(field.child, f"{path}[]")
    text = serializers.CharField  # noqa: TID251 — any text field, ours or not
    if isinstance(field, text) and not isinstance(field, mbk_serializers.CharField):
        return [path]
    return []


def test_every_serializer_of_ours_uses_our_text_fields():
    _import_our_modules()
    serializer_classes = [
        cls
        for cls in _subclasses(serializers.BaseSerializer)
        if _ours(cls) and cls is not mbk_serializers.ModelSerializer  # a base, of no model
    ]

    assert len(serializer_classes) > 30
    assert [
        name
        for cls in serializer_classes
        for name in _serializer_fields_not_ours(cls(), f"{cls.__module__}.{cls.__name__}")
    ] == []


@pytest.mark.django_db
def test_every_admin_form_of_ours_uses_our_text_fields():
    request = RequestFactory().get("/admin/")
    request.user = User(username="root", is_superuser=True, is_staff=True, is_active=True)
    model_admins = [a for a in admin.site._registry.values() if _ours(type(a))]

    form_classes = []
    for model_admin in model_admins:
        form_classes.append(model_admin.get_form(request))
        form_classes.append(model_admin.get_form(request, model_admin.model()))
        for inline in model_admin.get_inline_instances(request):
            form_classes.append(inline.get_formset(request).form)

    assert len(model_admins) > 10
    assert [name for cls in form_classes for name in _form_fields_not_ours(cls)] == []
