from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from signing.management.commands._output import line
from signing.models import Certificate


class Command(BaseCommand):
    help = "List the certificates of the cluster's authority, the newest first, with their state."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--kind", choices=Certificate.Kind.values, help="only the certificates of this kind"
        )

    def handle(self, *args, kind: str | None, **options) -> None:
        certificates = Certificate.objects.select_related("person")
        if kind:
            certificates = certificates.filter(kind=kind)
        shown = 0
        for certificate in certificates.order_by("kind", "-not_before", "-pk"):
            self.stdout.write(line(certificate))
            shown += 1
        if not shown:
            self.stdout.write(_("No certificates yet: run manage.py ca_init."))
