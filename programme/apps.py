from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Development programme")

    def ready(self) -> None:
        from documents import search
        from documents.models import RenderJob
        from documents.pdf import kinds
        from programme import document
        from programme import search as sections
        from workflow import rules

        kinds.register(
            RenderJob.Kind.PROGRAMME,
            may_read=rules.can_read_programme_document,
            build=document.job_source,
            gone=_("The programme version of this document no longer exists."),
        )
        search.register("section", postgres=sections.postgres_hits, simple=sections.simple_hits)
