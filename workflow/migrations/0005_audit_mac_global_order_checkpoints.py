"""The audit trail gets one global order and keyed MACs (HMAC-SHA256 under MBK_AUDIT_KEY).

Existing entries are numbered in the order they were written (by id) and MAC-ed again with the
key configured when this migration runs. That is trust on first use: whatever the trail held
before the upgrade is vouched for from here on, not proven (run verify_audit of the previous
release first, and keep its output).
"""

from django.conf import settings
from django.db import migrations, models


def number_and_mac(apps, schema_editor):
    from workflow import audit

    AuditEntry = apps.get_model("workflow", "AuditEntry")
    AuditHead = apps.get_model("workflow", "AuditHead")
    ContentType = apps.get_model("contenttypes", "ContentType")
    kinds = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    previous, position, batch = audit.GENESIS, 0, []
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
        position += 1
        entry.position = position
        entry.key_id = settings.MBK_AUDIT_KEY_ID
        entry.previous_hash = previous
        entry.entry_hash = previous = audit._mac(
            settings.MBK_AUDIT_KEY, audit.entry_fields(entry, kinds[entry.content_type_id])
        )
        batch.append(entry)
        if len(batch) == 2000:
            AuditEntry.objects.bulk_update(
                batch, ["position", "key_id", "previous_hash", "entry_hash"]
            )
            batch = []
    AuditEntry.objects.bulk_update(batch, ["position", "key_id", "previous_hash", "entry_hash"])
    AuditHead.objects.update_or_create(
        pk=1, defaults={"position": position, "entry_hash": previous}
    )


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("workflow", "0004_notice_email_outbox"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveBigIntegerField(default=0)),
                ("entry_hash", models.CharField(max_length=64)),
            ],
        ),
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(unique=True)),
                ("position", models.PositiveBigIntegerField()),
                ("head_hash", models.CharField(max_length=64)),
                ("at", models.DateTimeField()),
                ("key_id", models.CharField(max_length=20)),
                ("previous_mac", models.CharField(max_length=64)),
                ("mac", models.CharField(max_length=64, unique=True)),
            ],
            options={"ordering": ("number",)},
        ),
        migrations.AddField(
            model_name="auditentry",
            name="position",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(default="", max_length=20),
            preserve_default=False,
        ),
        migrations.RunPython(number_and_mac, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditentry",
            name="position",
            field=models.PositiveBigIntegerField(unique=True),
        ),
    ]
