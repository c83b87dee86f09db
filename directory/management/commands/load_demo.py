from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directory.demo import load_demo
from directory.loading import load_cluster_directory
from documents.demo import load_demo_proposals
from meetings.demo import load_demo_meetings
from programme.demo import load_demo_programme
from signing import authority

DEFAULT_PASSWORD = "demo-mbk-2014"  # noqa: S105 - demo accounts only; refused without DEBUG


class Command(BaseCommand):
    help = (
        "Load demo people (one for each role), organisations, a call for proposals and a few "
        "proposals at different stages; prints the logins."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"password of every demo user (default: {DEFAULT_PASSWORD})",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="load demo accounts even though DEBUG is off",
        )

    def handle(self, *args, password: str, allow_production: bool, **options) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Demo accounts with a known password are not loaded when DEBUG is off; "
                "pass --allow-production if this really is a demonstration server."
            )
        load_cluster_directory()
        people = load_demo(password=password)
        # The demo's chairs and secretaries sign what they approve: the cluster's authority
        # (made on the first run, in MBK_CA_DIR) issues them certificates.
        authority.ensure_ready()
        authority.certify_signatories()
        load_demo_proposals()
        load_demo_programme()
        load_demo_meetings()
        width = max(len(person.username) for person in people)
        self.stdout.write(f"{'login'.ljust(width)}  role")
        for person in people:
            self.stdout.write(f"{person.username.ljust(width)}  {person.role_label}")
        self.stdout.write(f"password of every demo login: {password}")
