"""The production calendar's exceptions from workflow/data/calendar_ru.yaml (existing dates are
left as edited in the admin)."""

from pathlib import Path

import yaml
from django.db import migrations

DATA = Path(__file__).resolve().parents[1] / "data" / "calendar_ru.yaml"


def load(apps, schema_editor):
    CalendarDay = apps.get_model("workflow", "CalendarDay")
    years = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    for kinds in years.values():
        for kind, days in kinds.items():
            for date, name in days.items():
                CalendarDay.objects.get_or_create(date=date, defaults={"kind": kind, "name": name})


class Migration(migrations.Migration):
    dependencies = [("workflow", "0002_calendar_deadlines")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
