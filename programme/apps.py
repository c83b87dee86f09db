from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Development programme")

    def ready(self) -> None:
        """The runner's hooks and the transition tables of sections and versions, their
        deadlines and the navigation's link."""
        from programme import actions, assembly, deadlines, rules
        from programme.models import ProgrammeVersion, SectionRevision
        from workflow import home, runner, tables

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
        deadlines.register()
        home.register_link("programme", rules.can_open_programme)
