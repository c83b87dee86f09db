from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Development programme")

    def ready(self) -> None:
        """What the engine and the lower apps need of the programme (they import nothing above
        them): the runner's hooks and the transition tables of sections and versions, their
        deadlines, the navigation's link, the compiled programme's PDF kind and the sections in
        the site search."""
        from documents import search
        from documents.models import RenderJob
        from documents.pdf import kinds
        from programme import actions, assembly, deadlines, document, notice_kinds, rules  # noqa: F401
        from programme import home as programme_home
        from programme import search as sections
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
        programme_home.register()
        kinds.register(
            RenderJob.Kind.PROGRAMME,
            may_read=rules.can_read_programme_document,
            build=document.job_source,
            gone=_("The programme version of this document no longer exists."),
            sign=document.signing_plan,
        )
        search.register("section", postgres=sections.postgres_hits, simple=sections.simple_hits)
        from programme import verification
        from signing import registry as issued_documents

        issued_documents.register(RenderJob.Kind.PROGRAMME, verification.describe)
