from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from signing import registry, verify
from signing.management.commands._output import when


class Command(BaseCommand):
    help = (
        "Check a PDF as the public verification does: was it issued by this system, is it "
        "unchanged since signing, and by whom was it signed. Exit code 0 only when genuine."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        if not file.is_file():
            raise CommandError(_("No file %(path)s.") % {"path": file})
        if file.stat().st_size > settings.MBK_VERIFY_MAX_BYTES:
            raise CommandError(
                _("The file is larger than %(size)s MB and was not checked.")
                % {"size": settings.MBK_VERIFY_MAX_BYTES // (1024 * 1024)}
            )
        report, description = registry.verify_and_describe(file.read_bytes())
        self.stdout.write(
            _("Verdict: %(label)s (%(verdict)s)")
            % {"label": verify.VERDICT_LABELS[report.verdict], "verdict": report.verdict}
        )
        self.stdout.write(report.message)
        self.stdout.write(f"SHA-256: {report.sha256}")
        if report.document_id:
            self.stdout.write(_("Document: %(id)s") % {"id": report.document_id})
        if report.issued is not None:
            issued = report.issued
            self.stdout.write(
                _("Issued on %(date)s: %(title)s %(reference)s")
                % {
                    "date": when(issued.issued_at),
                    "title": issued.title,
                    "reference": issued.reference,
                }
            )
        if description is not None:
            for label, value in (
                (_("Issued for"), description.subject),
                (_("Decision"), description.decision),
                (_("Status"), description.standing),
                (_("Newer document"), description.newer),
            ):
                if value:
                    self.stdout.write(f"{label}: {value}")
        for number, signature in enumerate(report.signatures, start=1):
            self.stdout.write(_signature_line(number, signature))
        if not report.is_genuine:
            raise CommandError(report.message, returncode=1)


def _signature_line(number: int, signature: verify.SignatureReport) -> str:
    checks = [
        _("intact") if signature.intact else _("NOT intact"),
        _("trusted") if signature.trusted else _("NOT trusted"),
    ]
    if signature.revoked_at is not None:
        checks.append(_("certificate revoked on %(date)s") % {"date": when(signature.revoked_at)})
    checks.append(
        _("covers the whole file")
        if signature.covers_whole_file
        else _("followed by: %(changes)s") % {"changes": signature.modification_level or "?"}
    )
    return _(
        "Signature %(number)s (%(field)s): %(name)s, %(role)s; certificate %(serial)s; "
        "signed %(signed)s; timestamp %(timestamp)s; %(checks)s"
    ) % {
        "number": number,
        "field": signature.field_name,
        "name": signature.name or "?",
        "role": signature.role or "—",
        "serial": signature.certificate_serial or "?",
        "signed": when(signature.signed_at) if signature.signed_at else "—",
        "timestamp": when(signature.timestamp_at) if signature.timestamp_at else "—",
        "checks": ", ".join(checks),
    }
