"""Opinions of the infrastructure groups a proposal names (issue 18, "Review").

When the sectoral group's review starts (the first expert assignment), each infrastructure
group the proposal names is asked for its opinion; its chair is notified. The chair (or a
deputy chair) may assign a member; the chair or the assigned member gives the opinion; the
programme office may waive it with a reason. The sectoral group cannot approve the proposal
while an opinion is still requested (`require_opinions`, called by proposal_approve_in_group);
a revision request and a rejection are not held up.

Rounds: an opinion stands across review rounds. It is not asked again after a resubmission;
the group itself may give it anew on the resubmitted proposal (rules.can_give_opinion), the
earlier text staying in the audit trail. A group the authors name only in a revision is asked
when they resubmit. When the proposal is rejected or withdrawn, opinions still requested are
closed as not required (the reminders stop).

Deadline: OPINION_WORKING_DAYS working days from the request (registered with the deadline
engine by `register_deadlines`, so reminders and escalation to the group's chair and then the
programme office work as for proposals)."""

from django.conf import settings
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory import rules as directory_rules
from directory import selectors as directory_selectors
from directory.models import Body, Membership
from documents import rules
from documents.models import Opinion, Proposal
from mbk.exceptions import ActionRefusedError
from mbk.lookups import id_or_404
from workflow import audit, deadlines, runner
from workflow.calendar import add_working_days
from workflow.deadlines import Policy
from workflow.notify import notify

Role = Membership.Role
DETAIL = "documents:proposal-detail"
# Ten working days: the sectoral group's review has fourteen (documents/deadlines.py), so the
# opinions are in four working days before the group's own deadline, in time for its decision.
OPINION_WORKING_DAYS = 10


# --- Who ----------------------------------------------------------------------------------------
def leaders(opinion: Opinion) -> list[User]:
    """The chair of the opinion's group (its deputy chairs when it has none), without those
    who have a conflict of interest with the proposal."""
    people = directory_selectors.people(body=opinion.body_id, roles=[Role.CHAIR])
    people = people or directory_selectors.people(body=opinion.body_id, roles=[Role.DEPUTY_CHAIR])
    return [person for person in people if not rules.has_conflict(person, opinion.proposal)]


def writers(opinion: Opinion) -> list[User]:
    """Who is waited for: the assigned member and the group's chair."""
    assignee = [opinion.assignee] if opinion.assignee_id else []
    return assignee + [p for p in leaders(opinion) if p.pk != opinion.assignee_id]


def _notify(people, kind: str, opinion: Opinion, *, by: User | None, **params) -> None:
    notify(
        people,
        actor=by,
        kind=kind,
        params={"title": opinion.proposal.title, "group": opinion.body.name, **params},
        url_name=DETAIL,
        url_kwargs={"pk": opinion.proposal_id},
    )


# --- Services -----------------------------------------------------------------------------------
def request_opinions(proposal: Proposal, *, by: User | None) -> list[Opinion]:
    """Ask each infrastructure group the proposal names, and not asked yet, for its opinion;
    audit each request and notify each group's chair. Called inside the service that starts
    (or, on a resubmission, resumes) the group's review, before its change is finished, so the
    groups are granted the proposal's view permission with that change."""
    asked = set(proposal.opinions.values_list("body_id", flat=True))
    bodies = [b for b in proposal.infrastructure_groups.all() if b.pk not in asked]
    due_on = add_working_days(timezone.localdate(), OPINION_WORKING_DAYS)
    created = []
    for body in bodies:
        opinion = Opinion.objects.create(
            proposal=proposal, body=body, round=proposal.round, due_on=due_on
        )
        audit.record(
            opinion,
            actor=by,
            action="opinion_requested",
            to_state=opinion.state,
            comment=body.name_ru,
        )
        _notify(
            leaders(opinion),
            "documents.opinion_requested",
            opinion,
            by=by,
            date=due_on.strftime("%d.%m.%Y"),
        )
        created.append(opinion)
    return created


def _begin(opinion_id: int, by: User, seen: int | None, rule, **how) -> runner.Change:
    return runner.begin(Opinion, opinion_id, by=by, seen=seen, rule=rule, **how)


@transaction.atomic
def opinion_assign(
    *, opinion_id: int, by: User, assignee: User, seen_edition: int | None = None
) -> Opinion:
    """The group's chair names the member who writes the opinion; the member is notified."""
    # Assigning is no transition of the opinion: while the proposal is not in the group's review
    # (a state, 409, as for the transitions' conditions), no state of the opinion allows it.
    peek = Opinion.objects.select_related("proposal").get(pk=opinion_id)
    open_states = [Opinion.State.REQUESTED] if peek.proposal_is_open() else []
    change = _begin(opinion_id, by, seen_edition, rules.can_assign_opinion, states=open_states)
    opinion = change.obj
    if directory_rules.role_in(assignee, opinion.body_id) in (None, Role.OBSERVER):
        raise ActionRefusedError(
            _("%(name)s is not a member of this infrastructure group.")
            % {"name": assignee.get_full_name()}
        )
    if rules.has_conflict(assignee, opinion.proposal):
        raise ActionRefusedError(
            _("%(name)s has a conflict of interest with this proposal.")
            % {"name": assignee.get_full_name()}
        )
    opinion.assignee = assignee
    change.finish("opinion_assigned", comment=assignee.get_full_name())
    _notify(
        [assignee],
        "documents.opinion_assigned",
        opinion,
        by=by,
    )
    return opinion


@transaction.atomic
def opinion_give(
    *, opinion_id: int, by: User, verdict: str, text: str, seen_edition: int | None = None
) -> Opinion:
    """The chair or the assigned member gives the group's opinion (anew, after a
    resubmission); whoever decides for the sectoral group is notified."""
    change = _begin(opinion_id, by, seen_edition, rules.can_give_opinion, transition="give")
    opinion = change.obj
    if verdict not in Opinion.Verdict.values:
        raise ActionRefusedError(_("Choose the verdict of the opinion."))
    if not text.strip():
        raise ActionRefusedError(_("Write the text of the opinion."))
    change.transition(
        by=by, verdict=verdict, text=text.strip(), round_number=opinion.proposal.round
    )
    change.finish("opinion_given", comment=f"{opinion.get_verdict_display()}: {opinion.text}")
    _notify(
        rules.group_contacts(opinion.proposal),
        "documents.opinion_given",
        opinion,
        by=by,
        verdict=opinion.get_verdict_display(),
    )
    return opinion


@transaction.atomic
def opinion_waive(
    *, opinion_id: int, by: User, reason: str, seen_edition: int | None = None
) -> Opinion:
    """The programme office excuses a requested opinion with its reason; the group's chair, the
    assigned member and whoever decides for the sectoral group are notified."""
    change = _begin(opinion_id, by, seen_edition, rules.can_waive_opinion, transition="waive")
    opinion = change.obj
    if not reason.strip():
        raise ActionRefusedError(_("Say why the opinion is not required."))
    change.transition(by=by, reason=reason.strip())
    change.finish("opinion_waived", comment=reason.strip())
    _notify(
        writers(opinion) + rules.group_contacts(opinion.proposal),
        "documents.opinion_waived",
        opinion,
        by=by,
        reason=reason.strip(),
    )
    return opinion


def close_when_final(proposal: Proposal) -> None:
    """A rejected, withdrawn or duplicate proposal needs no more opinions: those still
    requested are closed as not required, by the system (no notices: the groups hear of the
    proposal's end on its page; the reminders stop)."""
    reasons = {
        Proposal.State.REJECTED: _("The proposal was rejected."),
        Proposal.State.WITHDRAWN: _("The proposal was withdrawn."),
        Proposal.State.DUPLICATE: _("The proposal was closed as a duplicate."),
    }
    if proposal.state not in reasons:
        return
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(reasons[proposal.state])
    for opinion_id in proposal.opinions.filter(state=Opinion.State.REQUESTED).values_list(
        "pk", flat=True
    ):
        opinion = runner.lock(Opinion, opinion_id)
        change = runner.Change(opinion, None, "lapse")
        change.transition(reason=reason)
        change.finish("opinion_waived", comment=reason)


def require_opinions(proposal: Proposal) -> None:
    """Refuse (409) the group's approval while an infrastructure group's opinion is requested
    and neither given nor waived."""
    missing = missing_opinions(proposal)
    if missing:
        raise ActionRefusedError(
            _(
                "Approval needs the opinions of the infrastructure groups; still awaited: "
                "%(groups)s. The programme office may waive an opinion with a reason."
            )
            % {"groups": "; ".join(str(o.body.name) for o in missing)}
        )


# --- Reads --------------------------------------------------------------------------------------
def missing_opinions(proposal: Proposal) -> list[Opinion]:
    return list(proposal.opinions.filter(state=Opinion.State.REQUESTED).select_related("body"))


def _with_people(queryset: QuerySet[Opinion]) -> QuerySet[Opinion]:
    return queryset.select_related("body", "assignee", "given_by", "waived_by")


def opinions_of(user, proposal: Proposal) -> list[Opinion]:
    """The proposal's opinions this person may see (all of them or their own group's), each
    with the actions the person may take on it: two queries, whatever their number, and none
    for a proposal its page's lookup read as having none (`has_opinions`)."""
    if getattr(proposal, "has_opinions", True) is False:
        return []
    rows = list(_with_people(proposal.opinions.all()))
    shown = []
    for opinion in rows:
        opinion.proposal = proposal
        if rules.can_see_opinion(user, opinion):
            opinion.actions = offered(user, opinion)
            shown.append(opinion)
    return shown


def get_visible_opinion_or_404(user, pk: int) -> Opinion:
    """The one lookup of an opinion's pages and API: an opinion of a proposal the person may not
    see, or whose text they may not read, does not exist."""
    from documents.selectors import visible_proposals

    try:
        opinion = (
            _with_people(Opinion.objects.filter(proposal__in=visible_proposals(user)))
            .select_related("proposal__group")
            .get(pk=id_or_404(pk))
        )
    except Opinion.DoesNotExist:
        raise Http404 from None
    if not rules.can_see_opinion(user, opinion):
        raise Http404
    return opinion


def my_opinions(user) -> QuerySet[Opinion]:
    """«Заключения инфраструктурных групп»: the opinions asked of the groups the person belongs
    to (not as an observer); the programme office sees every group's. Requested ones first,
    the earliest due first. One query, whatever the number of rows."""
    opinions = Opinion.objects.select_related(
        "proposal__organisation", "proposal__group", "body", "assignee"
    )
    if not directory_rules.is_programme_office(user):
        bodies = Membership.objects.filter(
            user=user, body__kind=Body.Kind.INFRASTRUCTURE_GROUP
        ).exclude(role=Role.OBSERVER)
        opinions = opinions.filter(body__in=bodies.values("body"))
    order = Case(
        When(state=Opinion.State.REQUESTED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return opinions.annotate(open_first=order).order_by("open_first", "due_on", "pk")


def offered(user, opinion: Opinion) -> list[str]:
    """The names of the opinion table's rows this person may run now (documents/
    opinion_actions.py): what the pages show as buttons."""
    from documents.opinion_actions import OPINION

    return [row.name for row in OPINION.available(user, opinion)]


def pdf_facts(proposal: Proposal) -> list[list]:
    """What the expert conclusion prints of the opinions (its source key: a change renders the
    document anew)."""
    return [
        [
            o.pk,
            o.state,
            o.verdict,
            o.text,
            o.given_by_id,
            o.given_at.isoformat() if o.given_at else "",
            o.waiver_reason,
        ]
        for o in proposal.opinions.order_by("pk")
    ]


def for_pdf(proposal: Proposal) -> list[Opinion]:
    return list(_with_people(proposal.opinions.all()))


# --- Registration (DocumentsConfig.ready()) ------------------------------------------------------
def _describe(opinion: Opinion) -> tuple[str, str]:
    return (
        f"{opinion.body.name}: {opinion.proposal.title}",
        reverse(DETAIL, args=[opinion.proposal_id]),
    )


def register() -> None:
    runner.register(Opinion, select_related=("proposal", "body"))
    deadlines.register(
        Opinion,
        {Opinion.State.REQUESTED: Policy(OPINION_WORKING_DAYS, "group")},
        describe=_describe,
        group=lambda opinion: opinion.body,
        group_contacts=writers,
        group_deciders=leaders,
    )
