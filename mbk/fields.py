from django.db import models

from mbk.forms import URLField


class WebsiteField(models.URLField):
    """A URL field whose forms read «bioproekt.ru» as https://bioproekt.ru (Django 6's default)."""

    def formfield(self, **kwargs):
        kwargs = {"form_class": URLField, "assume_scheme": "https", **kwargs}
        return super().formfield(**kwargs)
