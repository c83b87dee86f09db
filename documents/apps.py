from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        """What the engine and the lower apps need of proposals (they import nothing above them):
        the runner's hooks and the transition table, deadlines, the home page's panels and
        links, the directory loader's review criteria, the PDF kinds of a proposal."""
        from directory import loading
        from documents import (  # noqa: F401
            actions,
            deadlines,
            grants,
            home,
            notice_kinds,
            opinion_actions,
            opinions,
            rules,
            selectors,
        )
        from documents.loading import load_review_criteria
        from documents.models import Proposal, RenderJob, ReviewCriterion
        from documents.pdf import kinds, sources
        from workflow import reference, runner, tables

        runner.register(Proposal, audit_fields=_content_hash, after_change=_after_proposal_change)
        tables.register(actions.PROPOSAL)
        deadlines.register()
        # Opinions of infrastructure groups (issue 18): runner, deadlines, transition table.
        opinions.register()
        tables.register(opinion_actions.OPINION)
        home.register()
        loading.register("review_criteria", load_review_criteria)
        reference.forget_on_change(ReviewCriterion, selectors.CRITERIA_CACHE_KEY)
        for kind in RenderJob.PROPOSAL_KINDS:
            kinds.register(
                kind,
                may_read=lambda user, proposal, kind=kind: rules.can_read_document(
                    user, proposal, kind
                ),
                build=sources.job_source,
                gone=_("The proposal of this document no longer exists."),
                sign=sources.signing_plan,
            )

        from documents import verification
        from signing import registry as issued_documents

        for kind in RenderJob.PROPOSAL_KINDS:
            issued_documents.register(kind, verification.describe)


def _after_proposal_change(proposal) -> None:
    """Object permissions in step with the proposal; opinions still requested of a rejected or
    withdrawn proposal closed (documents/opinions.py)."""
    from documents import grants, opinions

    grants.sync_proposal_permissions(proposal)
    opinions.close_when_final(proposal)


def _content_hash(proposal) -> dict:
    """Every entry of a proposal records the hash of its latest frozen version."""
    version = proposal.versions.order_by("-number").first()
    return {"content_sha256": version.sha256 if version else ""}
