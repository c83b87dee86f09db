"""The engine's own records: the append-only audit trail and in-app notices."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One transition, decision or change. Every entry has a place in one global order
    (`position` 1, 2, ...) and in its object's own order (`sequence` 1, 2, ...). Its MAC
    (HMAC-SHA256 under MBK_AUDIT_KEY, which is not in the database) covers its fields and the
    MAC of the entry before it in the global order, so a changed, deleted or inserted row breaks
    the chain, and a chain recomputed without the key does not verify (`manage.py
    verify_audit`). Written by workflow.audit only; never updated."""

    position = models.PositiveBigIntegerField(unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    sequence = models.PositiveIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"))
    action = models.CharField(_("action"), max_length=50)
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    reference = models.CharField(_("decision reference"), max_length=200, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    key_id = models.CharField(max_length=20)
    # The MACs (HMAC-SHA256, hex): of the previous entry in the global order, and of this one.
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ("content_type", "object_id", "sequence")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "sequence"], name="audit_sequence_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} #{self.sequence}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("Audit entries are append-only; they are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries are append-only; they are never deleted.")


class AuditHead(models.Model):
    """The one row (pk=1) holding the global position and MAC of the newest entry. Writers lock
    it (select_for_update) inside their transaction, so entries are appended one at a time in
    one global order."""

    position = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head {self.position}"


class AuditCheckpoint(models.Model):
    """The chain's head at a moment (position and MAC of the newest entry), MAC-chained to the
    checkpoint before it. The same line is appended to MBK_AUDIT_CHECKPOINT_FILE and e-mailed
    to the programme office, so the head is known outside the database."""

    number = models.PositiveIntegerField(unique=True)
    position = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    key_id = models.CharField(max_length=20)
    previous_mac = models.CharField(max_length=64)
    mac = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ("number",)

    def __str__(self) -> str:
        return f"checkpoint {self.number} at position {self.position}"


class Notice(models.Model):
    """An in-app notice: what happened and a link to where the person should act."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )

    class Category(models.TextChoices):
        DECISIONS = "decisions", _("actions and decisions on my work")
        MEETINGS = "meetings", _("meetings and their tasks")
        DEADLINES = "deadlines", _("deadline reminders and escalations")

    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(max_length=300)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.DECISIONS)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The e-mail copy: due when the notice is made (unless the person has muted its category),
    # stamped once sent; the sweeper sends again what stayed due (the broker was down).
    email_due = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The kind of notice (mbk.notice_kinds; "outbox" for the office's messages), and the
    # e-mail's subject and full text where they are not the default ones (an office's text).
    kind = models.CharField(max_length=60, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(
                fields=["created_at"],
                condition=models.Q(email_due=True, emailed_at=None),
                name="notice_email_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class CalendarDay(models.Model):
    """A local override of the Russian production calendar, which comes from the `holidays`
    package (workflow/calendar.py): a day off on a weekday, or a Saturday made a working day,
    where the package does not know it yet or is wrong. Edited in the admin; wins over the
    package."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("day off")
        WORKING = "working", _("working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("production calendar")
        ordering = ("date",)

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.get_kind_display()}"


class Deadline(models.Model):
    """How long an object may wait in a state for someone (workflow/deadlines.py), and whether
    the reminder and the two escalations were sent. One row per stay in a state: the audit entry
    that started it is part of the key, so a new stay gets a new deadline."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    state = models.CharField(_("state"), max_length=30)
    entry = models.OneToOneField(AuditEntry, on_delete=models.CASCADE, related_name="deadline")
    title = models.CharField(_("what"), max_length=500)
    url = models.CharField(max_length=300)
    # "group", "authors", "office" or "governance" (workflow/deadlines.py, WAITING_FOR)
    waiting_for = models.CharField(_("waiting for"), max_length=20)
    due_on = models.DateField(_("due"))
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_to_chair_at = models.DateTimeField(null=True, blank=True)
    escalated_to_office_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ("due_on", "pk")
        indexes = [models.Index(fields=["closed_at", "due_on"])]

    def __str__(self) -> str:
        return f"{self.title}: {self.due_on}"

    @property
    def waiting_for_label(self) -> str:
        from workflow.deadlines import WAITING_FOR

        return str(WAITING_FOR.get(self.waiting_for, self.waiting_for))


class NoticeTemplate(models.Model):
    """The programme office's text of a kind of notice (mbk.notice_kinds) in one language: the
    e-mail's subject and the notice's text, with {name} placeholders. Empty: the default text
    of the catalogue, as before any edit (a reset empties it). Written by workflow.notice_texts
    only, audited."""

    class Language(models.TextChoices):
        RU = "ru", _("Russian")
        EN = "en", _("English")

    kind = models.CharField(_("kind of notice"), max_length=60)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    subject = models.CharField(_("e-mail subject"), max_length=200, blank=True)
    body = models.TextField(_("text"), max_length=500, blank=True)
    edition = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notice text")
        verbose_name_plural = _("notice texts")
        ordering = ("kind", "language")
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="notice_template_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"

    @property
    def is_custom(self) -> bool:
        return bool(self.body)


class MailRecord(models.Model):
    """One e-mail copy of a notice and how its sending went: written by the sending task on
    every attempt; the office lists them and sends a failed one again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    notice = models.OneToOneField(Notice, on_delete=models.CASCADE, related_name="mail")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    address = models.EmailField(_("address"))
    subject = models.CharField(_("subject"), max_length=300)
    kind = models.CharField(_("kind of notice"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.address}: {self.subject}"
