from django.core.management.base import BaseCommand

from directory.loading import load_cluster_directory


class Command(BaseCommand):
    help = "Load the cluster directory (directions, groups, bodies, instruments, services)."

    def handle(self, *args, **options) -> None:
        report = load_cluster_directory()
        for label in sorted(set(report.created) | set(report.kept)):
            self.stdout.write(
                f"{label}: {report.created[label]} created, {report.kept[label]} already present"
            )
