"""The cluster's certificates, the signatures people give, and the register of signed PDFs.

A certificate's private key is stored only encrypted (signing/keys.py); the certificate
authority's key is not in the database at all but in a file of MBK_CA_DIR."""

from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CertificateQuerySet(models.QuerySet):
    def valid(self, when: datetime | None = None):
        """Certificates in force at `when` (now by default): within their dates, not revoked
        by then."""
        when = when or timezone.now()
        return self.filter(not_before__lte=when, not_after__gt=when).filter(
            Q(revoked_at__isnull=True) | Q(revoked_at__gt=when)
        )


class Certificate(models.Model):
    """An X.509 certificate issued by the cluster's certificate authority (signing/authority.py),
    or the authority's own. Never deleted; revoked instead."""

    class Kind(models.TextChoices):
        CA = "ca", _("certificate authority")
        SEAL = "seal", _("the system's seal")
        TSA = "tsa", _("time-stamping unit")
        PERSON = "person", _("person")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    # The certificate authority that issued it (none for an authority: it signs its own).
    authority = models.ForeignKey(
        "self",
        verbose_name=_("issued by the authority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued",
    )
    serial = models.CharField(_("serial number"), max_length=64, unique=True)  # hexadecimal
    subject_name = models.CharField(_("subject"), max_length=500)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    # AES-256-GCM under MBK_SIGNING_KEY (signing/keys.py); empty for the certificate authority,
    # whose key is a file in MBK_CA_DIR.
    encrypted_key = models.BinaryField(blank=True, default=b"", editable=False)
    fingerprint_sha256 = models.CharField(max_length=64, unique=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason of revocation"), blank=True)
    # Null when issued from the command line (manage.py ca_issue).
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="person", person__isnull=False)
                | (~Q(kind="person") & Q(person__isnull=True)),
                name="certificate_person_iff_person_kind",
            ),
        ]
        indexes = [models.Index(fields=["kind", "person"], name="certificate_kind_person")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject_name} ({self.serial})"

    def is_valid_at(self, when: datetime) -> bool:
        """In force at `when`: within its dates and not revoked by then."""
        if not self.not_before <= when < self.not_after:
            return False
        return self.revoked_at is None or self.revoked_at > when


class IssuedDocument(models.Model):
    """A signed PDF the system produced, by the SHA-256 of the whole final file: the public
    verification recognises a file by it."""

    sha256 = models.CharField(max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=30)  # "programme", "minutes", "passport"...
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    job_id = models.PositiveBigIntegerField(null=True, blank=True)  # the render job, if any
    title = models.TextField(_("title"))
    reference = models.TextField(_("decision"), blank=True)  # «протокол № 2 от 04.12.2026»
    # [{"name", "role", "certificate", "signed_at"}] in the order of the signatures.
    signatories = models.JSONField(_("signatories"), default=list)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="issued_document_subject")
        ]

    def __str__(self) -> str:
        return self.title


class Signoff(models.Model):
    """A person's own act of signing a subject (the minutes as chair, a programme version as
    signatory): what the PDF's signature later records."""

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="signoffs",
    )
    role = models.CharField(_("role"), max_length=20)  # "chair", "secretary", "signatory"
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        ordering = ("signed_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "person", "role"],
                name="signoff_unique_person_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.role})"
