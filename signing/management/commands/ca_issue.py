from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import User
from mbk.exceptions import ActionRefusedError
from signing import authority, keys
from signing.management.commands._output import line
from signing.models import Certificate


class Command(BaseCommand):
    help = (
        "Issue a certificate from the cluster's certificate authority: a person's (by login), "
        "the system's seal or the time-stamping unit's. The key is made and stored encrypted."
    )

    def add_arguments(self, parser) -> None:
        whose = parser.add_mutually_exclusive_group(required=True)
        whose.add_argument("--person", metavar="LOGIN")
        whose.add_argument("--seal", action="store_true")
        whose.add_argument("--tsa", action="store_true")
        whose.add_argument(
            "--signatories",
            action="store_true",
            help="every chair, deputy chair and secretary of a body who has no certificate",
        )
        parser.add_argument("--years", type=int, default=3)

    def handle(
        self, *args, person: str | None, seal: bool, tsa: bool, signatories: bool, years: int, **o
    ):
        if signatories:
            try:
                issued = authority.certify_signatories(years=years)
            except ActionRefusedError as refusal:
                raise CommandError(str(refusal.message)) from None
            except keys.KeyUnavailableError as problem:
                raise CommandError(str(problem)) from None
            for certificate in issued:
                self.stdout.write(line(certificate))
            self.stdout.write(_("Certificates issued: %(n)s.") % {"n": len(issued)})
            return
        holder = None
        if person is not None:
            holder = User.objects.filter(username=person).first()
            if holder is None:
                raise CommandError(_("No user with the login «%(login)s».") % {"login": person})
            kind = Certificate.Kind.PERSON
        else:
            kind = Certificate.Kind.SEAL if seal else Certificate.Kind.TSA
        try:
            certificate = authority.issue(kind, person=holder, years=years)
        except ActionRefusedError as refusal:
            raise CommandError(str(refusal.message)) from None
        except keys.KeyUnavailableError as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write(line(certificate))
