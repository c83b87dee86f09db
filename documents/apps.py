from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        """What the engine and the lower apps need of proposals (they import nothing above them):
        the runner's hooks and the transition table, deadlines, the home page's panels and
        links, the directory loader's review criteria."""
        from directory import loading
        from documents import actions, deadlines, grants, home
        from documents.loading import load_review_criteria
        from documents.models import Proposal
        from workflow import runner, tables

        runner.register(
            Proposal, audit_fields=_content_hash, after_change=grants.sync_proposal_permissions
        )
        tables.register(actions.PROPOSAL)
        deadlines.register()
        home.register()
        loading.register("review_criteria", load_review_criteria)


def _content_hash(proposal) -> dict:
    """Every entry of a proposal records the hash of its latest frozen version."""
    version = proposal.versions.order_by("-number").first()
    return {"content_sha256": version.sha256 if version else ""}
