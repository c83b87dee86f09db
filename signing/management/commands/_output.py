"""What the signing commands print about certificates."""

from django.utils import timezone
from django.utils.translation import gettext as _

from signing.models import Certificate


def when(moment) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y %H:%M}"


def status(certificate: Certificate) -> str:
    now = timezone.now()
    if certificate.revoked_at is not None and certificate.revoked_at <= now:
        return _("revoked on %(date)s") % {"date": when(certificate.revoked_at)}
    if certificate.not_after <= now:
        return _("expired")
    return _("in force")


def line(certificate: Certificate) -> str:
    return _("%(kind)s %(serial)s: %(subject)s; valid until %(until)s; %(status)s") % {
        "kind": certificate.get_kind_display(),
        "serial": certificate.serial,
        "subject": certificate.subject_name,
        "until": when(certificate.not_after),
        "status": status(certificate),
    }
