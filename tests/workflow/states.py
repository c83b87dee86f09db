"""Proposals in any state of their life, built through the services as people would, and the
people who act on them.

`proposal_in(state, people)` walks a fresh proposal to `state`: the co-author joins in draft;
the chair assigns `expert`, `second_expert` and `third_expert`; the second and the third review
(so that approval has the two reviews wg-pharma needs while `expert` still has a review to
write); a revision request has its remarks answered, so that the authors may resubmit.

`built_once()` is Django's `setUpTestData` for pytest modules: the world is built once in an
outer transaction, every test runs in a savepoint that pytest-django rolls back, and the outer
transaction is rolled back when the module is done.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from accounts.models import User
from directory.loading import load_cluster_directory
from directory.models import Body, Membership
from documents import moves, transitions
from documents.models import Proposal
from documents.services import proposal_set_coauthors, remarks_answer
from tests.factories import (
    CallFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    draft_proposal,
)

State = Proposal.State
Role = Membership.Role
SCORES = {"relevance": 5, "science": 4, "market": 4, "feasibility": 3, "team": 5}
REFERENCE = "№ 4 от 15.12.2026"


def _review(proposal: Proposal, *experts: User) -> None:
    for person in experts:
        transitions.proposal_review(
            proposal_id=proposal.pk,
            by=person,
            scores=SCORES,
            recommendation="approve",
            comments="Проект соответствует приоритетам кластера.",
        )


def _share(proposal: Proposal, people: dict) -> None:
    if "coauthor" in people:
        proposal_set_coauthors(
            proposal_id=proposal.pk, by=people["author"], coauthors=[people["coauthor"]]
        )


def _submit(proposal: Proposal, people: dict) -> None:
    transitions.proposal_submit(proposal_id=proposal.pk, by=people["author"])


def _open_review(proposal: Proposal, people: dict) -> None:
    experts = [people["expert"], people["second_expert"], people["third_expert"]]
    transitions.proposal_assign_experts(
        proposal_id=proposal.pk, by=people["chair"], experts=experts
    )
    _review(proposal, people["second_expert"], people["third_expert"])


def _request_revision(proposal: Proposal, people: dict) -> None:
    transitions.proposal_request_revision(
        proposal_id=proposal.pk, by=people["chair"], remarks=["Уточните бюджет по годам"]
    )
    answers = {remark.pk: "Уточнили" for remark in proposal.remarks.filter(round=proposal.round)}
    remarks_answer(proposal_id=proposal.pk, by=people["author"], answers=answers)


def _approve_in_group(proposal: Proposal, people: dict) -> None:
    transitions.proposal_approve_in_group(proposal_id=proposal.pk, by=people["chair"])


def _send_to_governance(proposal: Proposal, people: dict) -> None:
    transitions.proposal_send_to_governance(proposal_id=proposal.pk, by=people["office"])


def _governance_approve(proposal: Proposal, people: dict) -> None:
    transitions.proposal_governance_approve(
        proposal_id=proposal.pk, by=people["secretary"], reference=REFERENCE
    )


def _reject_in_group(proposal: Proposal, people: dict) -> None:
    transitions.proposal_reject(proposal_id=proposal.pk, by=people["chair"], reason="Не по профилю")


def _withdraw(proposal: Proposal, people: dict) -> None:
    transitions.proposal_withdraw(proposal_id=proposal.pk, by=people["author"], reason="Передумали")


ORIGINAL = "Заявка: оригинал"


def _mark_duplicate(proposal: Proposal, people: dict) -> None:
    """Closed as a duplicate of a proposal of the same call submitted before it."""
    original = proposal_in(State.SUBMITTED, people, title=ORIGINAL, call=proposal.call)
    moves.proposal_mark_duplicate(
        proposal_id=proposal.pk, by=people["office"], original_id=original.pk, reason="Повтор"
    )


Step = Callable[[Proposal, dict], None]

# state -> (the state it is reached from, the step that reaches it)
PATH: dict[str, tuple[str | None, Step]] = {
    State.DRAFT: (None, _share),
    State.SUBMITTED: (State.DRAFT, _submit),
    State.WG_REVIEW: (State.SUBMITTED, _open_review),
    State.REVISION_REQUESTED: (State.WG_REVIEW, _request_revision),
    State.WG_APPROVED: (State.WG_REVIEW, _approve_in_group),
    State.GOVERNANCE_REVIEW: (State.WG_APPROVED, _send_to_governance),
    State.APPROVED: (State.GOVERNANCE_REVIEW, _governance_approve),
    State.REJECTED: (State.WG_REVIEW, _reject_in_group),
    State.WITHDRAWN: (State.WG_REVIEW, _withdraw),
    State.DUPLICATE: (State.WG_REVIEW, _mark_duplicate),
}


def proposal_in(state: str, people: dict, **draft: object) -> Proposal:
    """A new proposal of `people["author"]` brought to `state` through the services.

    `people` needs author, chair, office and secretary (of the governance body), and from
    wg_review on expert, second_expert and third_expert (experts of wg-pharma); a coauthor,
    when given, is made a co-author. `draft` goes to tests.factories.draft_proposal."""
    previous, step = PATH[state]
    if previous is None:
        proposal = draft_proposal(people["author"], **draft)
    else:
        proposal = proposal_in(previous, people, **draft)
    step(proposal, people)
    return Proposal.objects.get(pk=proposal.pk)


def with_reviewers(cluster: dict, **personas: User) -> dict:
    """conftest's personas (author, chair, expert, office, secretary...) plus the two experts
    of wg-pharma who review in proposal_in()."""
    reviewers = {
        name: MembershipFactory(
            body=cluster["wg-pharma"], role=Role.EXPERT, user__username=username
        ).user
        for name, username in [("second_expert", "expert2"), ("third_expert", "expert3")]
    }
    return {**personas, **reviewers}


# --- The people, for worlds built once per module ------------------------------------------
# Every role of DESIGN.md, as make_people() names them (the helpers left out).
PERSONAS = [
    "author",
    "coauthor",
    "other_author",
    "expert",
    "chair",
    "wg_secretary",
    "other_chair",
    "secretary",
    "governance_chair",
    "governance_member",
    "office",
    "observer",
    "outsider",
    "anonymous",
]


def make_people() -> dict[str, User | AnonymousUser]:
    """The personas of tests/conftest.py (same usernames, organisations, bodies and roles),
    the roles it leaves out (the group's secretary, the governance body's chair, anonymous)
    and the helpers the states need (two more experts who review, one left to assign)."""
    load_cluster_directory()
    bodies = {body.code: body for body in Body.objects.all()}

    def member(body: str, role: str, username: str) -> User:
        return MembershipFactory(body=bodies[body], role=role, user__username=username).user

    organisation = OrganisationFactory(name_ru="ООО «БиоПроект»")
    return {
        "author": UserFactory(username="author", organisation=organisation),
        "coauthor": UserFactory(username="coauthor", organisation=organisation),
        "other_author": UserFactory(username="other-author"),
        "expert": member("wg-pharma", Role.EXPERT, "expert"),
        "chair": member("wg-pharma", Role.CHAIR, "chair"),
        "wg_secretary": member("wg-pharma", Role.SECRETARY, "wg-secretary"),
        "other_chair": member("wg-ecology", Role.CHAIR, "other-chair"),
        "secretary": member("council", Role.SECRETARY, "secretary"),
        "governance_chair": member("council", Role.CHAIR, "council-chair"),
        "governance_member": member("council", Role.MEMBER, "council-member"),
        "office": member("programme-office", Role.STAFF, "office"),
        "observer": member("council", Role.OBSERVER, "observer"),
        "outsider": UserFactory(username="outsider", organisation=None),
        "anonymous": AnonymousUser(),
        "second_expert": member("wg-pharma", Role.EXPERT, "expert2"),
        "third_expert": member("wg-pharma", Role.EXPERT, "expert3"),
        "spare_expert": member("wg-pharma", Role.EXPERT, "expert4"),
    }


def every_state(people: dict) -> dict[str, Proposal]:
    """One proposal in each state, all of one call (so that one may be named the original of
    another: the duplicate's original is titled ORIGINAL)."""
    call = CallFactory()
    return {
        state: proposal_in(state, people, title=f"Заявка: {state}", call=call) for state in State
    }


def original_number() -> int | None:
    """The number of the world's original of its duplicate (every_state())."""
    return Proposal.objects.filter(title=ORIGINAL).values_list("pk", flat=True).first()


@dataclass
class World:
    people: dict
    proposals: dict[str, Proposal]


@contextmanager
def built_once(django_db_blocker) -> Iterator[World]:
    """The people and one proposal in every state, for a module-scoped fixture (see the module
    docstring); everything is rolled back when the fixture ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        people = make_people()
        yield World(people, every_state(people))
        transaction.set_rollback(True)
