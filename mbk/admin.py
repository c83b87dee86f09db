"""What the admin sites of every app share."""

from django.contrib import admin
from django.contrib.admin import widgets
from django.db import models

from mbk.forms import CharField, EmailField, SlugField, URLField


class TextFieldsMixin:
    """The admin's forms with our text fields (mbk/forms.py) for the model's text fields, so a
    name typed in the admin loses invisible characters at its edges as on the pages; Django's
    admin widgets stay. Single-line model fields refuse control characters through their own
    validator (validate_single_line), which the admin's forms run too."""

    formfield_overrides = {  # merged by Django with its widgets for these fields
        models.CharField: {"form_class": CharField},
        models.TextField: {"form_class": CharField},
        models.EmailField: {"form_class": EmailField},
        models.URLField: {"form_class": URLField},
        # Found before CharField in a SlugField's MRO: Django's widget for CharField is kept.
        models.SlugField: {"form_class": SlugField, "widget": widgets.AdminTextInputWidget},
    }


class ModelAdmin(TextFieldsMixin, admin.ModelAdmin):
    pass


class TabularInline(TextFieldsMixin, admin.TabularInline):
    pass


class ReadOnlyAdmin(ModelAdmin):
    """Rows that only the system's services write (the audit trail, decisions, proposals):
    the admin shows them and changes nothing."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
