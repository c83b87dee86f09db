from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mbk.exceptions import ActionRefusedError
from signing import authority, keys
from signing.management.commands._output import line


class Command(BaseCommand):
    help = (
        "Create the cluster's certificate authority: its key (an encrypted file in MBK_CA_DIR, "
        "outside the database) and its certificate; then the system's seal and the "
        "time-stamping unit. Refused when one exists, unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", default=authority.AUTHORITY_NAME)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument(
            "--force",
            action="store_true",
            help="make a new authority even though one exists (the old key file is kept aside)",
        )

    def handle(self, *args, name: str, years: int, force: bool, **options) -> None:
        try:
            created = authority.init_authority(name=name, years=years, force=force)
            issued = [authority.seal_certificate(), authority.tsa_certificate()]
        except ActionRefusedError as refusal:
            raise CommandError(str(refusal.message)) from None
        except keys.KeyUnavailableError as problem:
            raise CommandError(str(problem)) from None
        for certificate in [created, *issued]:
            self.stdout.write(line(certificate))
        self.stdout.write(
            _(
                "The authority's key is in %(folder)s: keep a copy of this folder and of "
                "MBK_SIGNING_KEY off the machine."
            )
            % {"folder": settings.MBK_CA_DIR}
        )
