"""Existing people: the active are confirmed (signup_pending stays False). Among the inactive,
only a row that is plainly a self sign-up still inside its confirmation window (its login is its
address, it never logged in, holds no role, joined less than SIGNUP_CONFIRMATION_MAX_AGE ago)
is awaiting confirmation; every other inactive row was deactivated, and links issued to it
before now are dead."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.db.models import F
from django.utils import timezone


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    now = timezone.now()
    window = timedelta(seconds=settings.SIGNUP_CONFIRMATION_MAX_AGE)
    inactive = User.objects.filter(is_active=False)
    inactive.filter(
        username=F("email"),
        last_login=None,
        date_joined__gte=now - window,
        memberships=None,
    ).update(signup_pending=True)
    inactive.filter(signup_pending=False, deactivated_at=None).update(deactivated_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_signup_pending_and_deactivation"),
        ("directory", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
