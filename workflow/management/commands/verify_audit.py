from django.core.management.base import BaseCommand, CommandError

from workflow import audit

SHOWN = 200  # problems listed in full; the count says how many more


class Command(BaseCommand):
    help = (
        "Check the audit trail: the MAC chain (positions, keys, each object's sequence), every "
        "checkpoint in the database and in the checkpoint file, their age, and that each "
        "object's state is the one its last entry records. Lists every problem; exits non-zero."
    )

    def handle(self, *args, **options) -> None:
        report = audit.check()
        if report.problems:
            lines = [f"- {problem}" for problem in report.problems[:SHOWN]]
            if len(report.problems) > SHOWN:
                lines.append(f"- ... and {len(report.problems) - SHOWN} more")
            raise CommandError(
                f"Audit trail damaged: {len(report.problems)} problem(s) in "
                f"{report.checked} entries and {report.checkpoints} checkpoints:\n"
                + "\n".join(lines)
            )
        self.stdout.write(
            f"Audit trail intact: {report.checked} entries and {report.checkpoints} "
            "checkpoints checked."
        )
