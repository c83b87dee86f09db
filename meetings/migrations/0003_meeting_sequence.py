"""The calendar entry's own counter (Meeting.sequence). Invitations sent before it carried the
meeting's edition as their SEQUENCE; existing meetings start from it, so that the invitation
sent after a change still counts above the one people have."""

from django.db import migrations, models
from django.db.models import F


def start_from_the_edition(apps, schema_editor):
    apps.get_model("meetings", "Meeting").objects.update(sequence=F("edition"))


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_single_line_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="sequence",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(start_from_the_edition, migrations.RunPython.noop),
    ]
