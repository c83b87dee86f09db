"""The working-day calendar comes from the `holidays` package now (workflow/calendar.py), and
CalendarDay holds local overrides only. The rows migration 0003 loaded from
workflow/data/calendar_ru.yaml are removed where the package says the same: kept, they would pin
those days against a later correction of the package. A row edited in the admin since (another
kind or name), or one the package disagrees with, stays and goes on winning over the package."""

from importlib import import_module

import holidays
import yaml
from django.db import migrations

LOADED = import_module("workflow.migrations.0003_load_calendar")


def remove_rows_the_package_gives(apps, schema_editor):
    CalendarDay = apps.get_model("workflow", "CalendarDay")
    years = yaml.safe_load(LOADED.DATA.read_text(encoding="utf-8"))
    russia = holidays.country_holidays("RU", years=years.keys())
    for kinds in years.values():
        for kind, days in kinds.items():
            for date, name in days.items():
                if (kind == "working") == russia.is_working_day(date):
                    CalendarDay.objects.filter(date=date, kind=kind, name=name).delete()


class Migration(migrations.Migration):
    dependencies = [("workflow", "0005_audit_mac_global_order_checkpoints")]

    operations = [migrations.RunPython(remove_rows_the_package_gives, LOADED.load)]
