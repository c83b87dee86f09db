from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mbk.exceptions import ActionRefusedError
from signing import authority
from signing.management.commands._output import line
from signing.models import Certificate


class Command(BaseCommand):
    help = (
        "Revoke a certificate of the cluster's authority by its serial number (as ca_list "
        "prints it). Signatures made before now stay valid and are reported as such."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("serial")
        parser.add_argument("--reason", required=True)

    def handle(self, *args, serial: str, reason: str, **options) -> None:
        wanted = serial.replace(":", "").replace(" ", "").upper()
        certificate = Certificate.objects.filter(serial=wanted).first()
        if certificate is None:
            raise CommandError(
                _("No certificate with the serial number %(serial)s.") % {"serial": serial}
            )
        try:
            certificate = authority.revoke(certificate, reason=reason)
        except ActionRefusedError as refusal:
            raise CommandError(str(refusal.message)) from None
        self.stdout.write(line(certificate))
