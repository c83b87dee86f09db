from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Development programme")

    def ready(self):
        from programme import actions, assembly
        from programme.models import ProgrammeVersion, SectionRevision
        from workflow import runner, tables

        runner.register(
            SectionRevision,
            audit_fields=lambda revision: {
                "content_sha256": assembly.revision_content_hash(revision)
            },
            select_related=("section__owner", "section__programme"),
        )
        runner.register(
            ProgrammeVersion,
            audit_fields=lambda version: {"content_sha256": version.snapshot_sha256},
            select_related=("programme",),
        )
        tables.register(actions.SECTION)
        tables.register(actions.VERSION)
