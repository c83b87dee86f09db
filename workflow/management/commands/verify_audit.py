from django.core.management.base import BaseCommand, CommandError

from workflow import audit


class Command(BaseCommand):
    help = "Check the hash chains of the audit trail; name the first broken entry."

    def handle(self, *args, **options) -> None:
        checked, broken = audit.verify()
        if broken:
            raise CommandError(
                f"Audit trail broken at entry id={broken.entry_id} ({broken.object_label}, "
                f"sequence {broken.sequence}): {broken.problem}. "
                f"{checked} entries before it are intact."
            )
        self.stdout.write(f"Audit trail intact: {checked} entries checked.")
