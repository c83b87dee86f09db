from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from documents import actions, grants
        from documents.models import Proposal
        from workflow import runner, tables

        runner.register(
            Proposal,
            audit_fields=_content_hash,
            after_change=grants.sync_proposal_permissions,
        )
        tables.register(actions.PROPOSAL)


def _content_hash(proposal) -> dict:
    """Every entry of a proposal records the hash of its latest frozen version."""
    version = proposal.versions.order_by("-number").first()
    return {"content_sha256": version.sha256 if version else ""}
