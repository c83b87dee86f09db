"""A person's gender, for the Russian verbs about them; guessed for the people already here
from their patronymic (mbk.gender), unknown otherwise."""

from django.db import migrations, models

from mbk.gender import guess_gender


def guess_for_everyone(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for person in User.objects.exclude(middle_name="").only("pk", "middle_name"):
        if guessed := guess_gender(person.middle_name):
            User.objects.filter(pk=person.pk).update(gender=guessed)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_existing_people_states"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="gender",
            field=models.CharField(
                blank=True,
                choices=[("", "not given"), ("male", "male"), ("female", "female")],
                default="",
                max_length=6,
                verbose_name="gender",
            ),
        ),
        migrations.RunPython(guess_for_everyone, migrations.RunPython.noop),
    ]
