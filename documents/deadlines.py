"""How long a proposal may wait in each state, and for whom (workflow/deadlines.py); registered
from DocumentsConfig.ready()."""

from django.urls import reverse

from documents import rules
from documents.models import Proposal
from workflow import deadlines
from workflow.deadlines import UNTIL_NEXT_MEETING, Policy

State = Proposal.State


def _describe(proposal: Proposal) -> tuple[str, str]:
    return proposal.title, reverse("documents:proposal-detail", args=[proposal.pk])


def register() -> None:
    deadlines.register(
        Proposal,
        {
            State.SUBMITTED: Policy(5, "group"),
            State.WG_REVIEW: Policy(14, "group"),
            State.REVISION_REQUESTED: Policy(10, "authors"),
            State.WG_APPROVED: Policy(5, "office"),
            State.GOVERNANCE_REVIEW: Policy(UNTIL_NEXT_MEETING, "governance"),
        },
        describe=_describe,
        group=lambda proposal: proposal.group,
        authors=lambda proposal: [proposal.author, *proposal.coauthors.all()],
        # Whoever decides in place of a conflicted chair, and the group's secretaries.
        group_contacts=rules.group_contacts,
        group_deciders=lambda proposal: rules.group_deciders(proposal)[1],
    )
