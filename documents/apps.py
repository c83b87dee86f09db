from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from documents.models import RenderJob
        from documents.pdf import kinds, sources
        from workflow import rules

        for kind in RenderJob.PROPOSAL_KINDS:
            kinds.register(
                kind,
                may_read=lambda user, proposal, kind=kind: rules.can_read_document(
                    user, proposal, kind
                ),
                build=sources.job_source,
                gone=_("The proposal of this document no longer exists."),
            )
