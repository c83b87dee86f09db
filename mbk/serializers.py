"""The text fields of our API (the rule is in mbk/text.py): a value that trims spaces loses
invisible format characters at its edges too, and a single-line field (one not marked
style=MULTILINE; a model's TextField is multi-line) refuses control characters. REST
framework's own fields are left as they are.

Every serializer of ours uses these fields (ruff's TID251 bans REST framework's,
tests/mbk/test_fields.py walks the serializers); a ModelSerializer derived from ours gets them
for the model's text fields."""

from django.core.exceptions import ValidationError
from django.db import models
from rest_framework import serializers

from mbk.text import MULTILINE, strip_invisible, validate_single_line


class CharField(serializers.CharField):
    def run_validation(self, data=serializers.empty):
        if self.trim_whitespace and isinstance(data, str):
            data = strip_invisible(data)
        if isinstance(data, str) and not self.multiline:
            try:
                validate_single_line(data)
            except ValidationError as error:
                raise serializers.ValidationError(error.messages, code=error.code) from None
        return super().run_validation(data)

    @property
    def multiline(self) -> bool:
        # REST framework's own mark of a multi-line field: a model's TextField gets it, and so
        # does a declared field given style=MULTILINE.
        return self.style.get("base_template") == MULTILINE["base_template"]


# REST framework's subclasses of CharField with ours below them, where CharField's checks ran.
class EmailField(serializers.EmailField, CharField):
    pass


class RegexField(serializers.RegexField, CharField):
    pass


class SlugField(serializers.SlugField, CharField):
    pass


class URLField(serializers.URLField, CharField):
    pass


class IPAddressField(serializers.IPAddressField, CharField):
    pass


class ModelSerializer(serializers.ModelSerializer):
    """REST framework's ModelSerializer whose fields for the model's text fields are ours (a
    field with choices still gets a ChoiceField)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: CharField,
        models.CommaSeparatedIntegerField: CharField,
        models.TextField: CharField,
        models.EmailField: EmailField,
        models.SlugField: SlugField,
        models.URLField: URLField,
        models.GenericIPAddressField: IPAddressField,
    }
