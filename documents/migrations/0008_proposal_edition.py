# One name for the optimistic-lock counter of every model (issue 15): a proposal's
# `revision` becomes `edition`, like sections', programme versions' and meetings'.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("documents", "0007_single_line_text")]

    operations = [
        migrations.RenameField(model_name="proposal", old_name="revision", new_name="edition"),
        migrations.AlterField(
            model_name="proposal",
            name="edition",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
