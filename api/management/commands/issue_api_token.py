from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from api import tokens
from mbk.exceptions import ActionRefusedError


class Command(BaseCommand):
    help = "Issue a personal API token for a person and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="manage.py issue_api_token")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active person with the login «{username}».")
        try:
            issued = tokens.token_issue(
                user=user, name=name, by=None, how="manage.py issue_api_token"
            )
        except ActionRefusedError as refusal:
            raise CommandError(str(refusal.message)) from None
        self.stdout.write(issued.secret)
