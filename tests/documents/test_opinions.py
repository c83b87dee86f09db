"""Opinions of the infrastructure groups a proposal names (issue 18): asked when the sectoral
group's review starts, given by the group's chair or the member assigned, waived by the
programme office; the group's approval waits for them; deadlines, notices, the PDF, the pages,
the list and the API."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_fsm import TransitionNotAllowed

from directory.models import Body, Membership
from documents import opinions, transitions
from documents.models import Opinion, Proposal
from documents.pdf import sources
from documents.selectors import visible_proposals
from mbk.exceptions import ActionRefusedError
from tests.factories import MembershipFactory
from tests.workflow.states import PATH, make_people
from workflow import audit, calendar, deadlines
from workflow.models import Deadline, Notice

State = Proposal.State
Role = Membership.Role
ENGINEERING, PRODUCTION = "wg-engineering", "wg-production"


def add_infrastructure_people(people: dict) -> dict:
    """The personas of tests/workflow/states.py and members of two infrastructure groups."""
    bodies = {body.code: body for body in Body.objects.filter(code__startswith="wg-")}

    def member(code: str, role: str, username: str):
        return MembershipFactory(body=bodies[code], role=role, user__username=username).user

    return people | {
        "eng_chair": member(ENGINEERING, Role.CHAIR, "eng-chair"),
        "eng_member": member(ENGINEERING, Role.MEMBER, "eng-member"),
        "eng_other": member(ENGINEERING, Role.EXPERT, "eng-other"),
        "eng_observer": member(ENGINEERING, Role.OBSERVER, "eng-observer"),
        "prod_chair": member(PRODUCTION, Role.CHAIR, "prod-chair"),
        "research_member": member("wg-research-education", Role.MEMBER, "research-member"),
    }


@pytest.fixture
def people(db):
    return add_infrastructure_people(make_people())


def proposal_naming(people, *codes: str, state: str = State.WG_REVIEW) -> Proposal:
    """A proposal naming the infrastructure groups `codes`, walked to `state` by the services
    (tests/workflow/states.py); it is approved in group only once its opinions are given."""
    path, at = [], state
    while PATH[at][0] is not None:
        path.append(at)
        at = PATH[at][0]
    from tests.factories import draft_proposal

    proposal = draft_proposal(people["author"])
    proposal.infrastructure_groups.set(Body.objects.filter(code__in=codes))
    PATH[State.DRAFT][1](proposal, people)
    for step_state in reversed(path):
        proposal = Proposal.objects.get(pk=proposal.pk)
        if step_state == State.WG_APPROVED:
            for opinion in proposal.opinions.all():
                give(opinion, people["eng_chair"] if opinion.body.code == ENGINEERING else None)
        PATH[step_state][1](proposal, people)
    return Proposal.objects.get(pk=proposal.pk)


def give(opinion: Opinion, by, verdict: str = "favourable", text: str = "Инжиниринг обеспечим."):
    by = by or opinion.body.memberships.get(role=Role.CHAIR).user
    return opinions.opinion_give(opinion_id=opinion.pk, by=by, verdict=verdict, text=text)


def opinion_of(proposal: Proposal, code: str = ENGINEERING) -> Opinion:
    return Opinion.objects.get(proposal=proposal, body__code=code)


def texts_of(person) -> list[str]:
    return list(Notice.objects.filter(recipient=person).values_list("text", flat=True))


# --- Asked when the review starts ------------------------------------------------------------
def test_review_start_requests_one_opinion_per_named_group(people):
    proposal = proposal_naming(people, ENGINEERING, PRODUCTION, state=State.SUBMITTED)

    transitions.proposal_assign_experts(
        proposal_id=proposal.pk, by=people["chair"], experts=[people["expert"]]
    )

    rows = list(proposal.opinions.order_by("body__code").values_list("body__code", "state"))
    assert rows == [(ENGINEERING, "requested"), (PRODUCTION, "requested")]
    opinion = opinion_of(proposal)
    assert opinion.round == 1
    assert opinion.due_on == calendar.add_working_days(timezone.localdate(), 10)
    [entry] = audit.history(opinion)
    assert (entry.action, entry.from_state, entry.to_state, entry.actor) == (
        "opinion_requested",
        "",
        "requested",
        people["chair"],
    )


def test_review_start_requests_nothing_when_no_group_is_named(people):
    proposal = proposal_naming(people, state=State.SUBMITTED)

    transitions.proposal_assign_experts(
        proposal_id=proposal.pk, by=people["chair"], experts=[people["expert"]]
    )

    assert Opinion.objects.count() == 0


def test_second_assignment_asks_no_group_again(people):
    proposal = proposal_naming(people, ENGINEERING)

    transitions.proposal_assign_experts(
        proposal_id=proposal.pk, by=people["chair"], experts=[people["spare_expert"]]
    )

    assert proposal.opinions.count() == 1


def test_request_notifies_each_groups_chair_in_russian(people):
    proposal = proposal_naming(people, ENGINEERING, PRODUCTION)
    due = opinion_of(proposal).due_on.strftime("%d.%m.%Y")

    eng, prod = texts_of(people["eng_chair"]), texts_of(people["prod_chair"])

    assert eng == [
        f"{opinion_of(proposal).body.name_ru}: запрошено заключение по заявке «{proposal.title}» "
        f"в срок до {due}."
    ]
    assert len(prod) == 1
    assert texts_of(people["eng_member"]) == []


def test_request_grants_the_group_the_proposal_and_no_other_group(people):
    proposal = proposal_naming(people, ENGINEERING)

    seen_by = {
        name: visible_proposals(people[name]).filter(pk=proposal.pk).exists()
        for name in ("eng_chair", "eng_member", "eng_observer", "prod_chair", "research_member")
    }

    assert seen_by == {
        "eng_chair": True,
        "eng_member": True,
        "eng_observer": False,
        "prod_chair": False,
        "research_member": False,
    }


def test_draft_and_submitted_proposal_are_not_seen_by_the_named_group(people):
    proposal = proposal_naming(people, ENGINEERING, state=State.SUBMITTED)

    assert not visible_proposals(people["eng_chair"]).filter(pk=proposal.pk).exists()


# --- Assign, give, waive -------------------------------------------------------------------------
def test_chair_assigns_a_member_who_is_notified_and_then_gives(people):
    opinion = opinion_of(proposal_naming(people, ENGINEERING))

    opinions.opinion_assign(
        opinion_id=opinion.pk, by=people["eng_chair"], assignee=people["eng_member"]
    )
    given = give(opinion, people["eng_member"], "with_conditions", "При условии пилотной линии.")

    assert given.assignee == people["eng_member"]
    assert (given.state, given.verdict, given.given_by) == (
        "given",
        "with_conditions",
        people["eng_member"],
    )
    assert len(texts_of(people["eng_member"])) == 1
    actions = list(audit.history(given).values_list("action", flat=True))
    assert actions == ["opinion_requested", "opinion_assigned", "opinion_given"]


def test_assigning_someone_outside_the_group_is_refused(people):
    opinion = opinion_of(proposal_naming(people, ENGINEERING))

    with pytest.raises(ActionRefusedError) as refusal:
        opinions.opinion_assign(
            opinion_id=opinion.pk, by=people["eng_chair"], assignee=people["research_member"]
        )

    with translation.override("ru"):
        assert "не является членом этой инфраструктурной группы" in str(refusal.value.message)

    assert Opinion.objects.get(pk=opinion.pk).assignee is None


@pytest.mark.parametrize("persona", ["eng_member", "prod_chair", "chair", "office", "author"])
def test_giving_without_being_chair_or_assignee_is_forbidden(people, persona):
    opinion = opinion_of(proposal_naming(people, ENGINEERING))

    with pytest.raises(PermissionDenied):
        give(opinion, people[persona])

    assert Opinion.objects.get(pk=opinion.pk).state == "requested"


def test_giving_notifies_the_sectoral_chair(people):
    opinion = opinion_of(proposal_naming(people, ENGINEERING))

    give(opinion, people["eng_chair"], "unfavourable", "Нет мощностей.")

    assert (
        f"{opinion.body.name_ru}: дано заключение по заявке «{opinion.proposal.title}» — "
        "отрицательное."
    ) in texts_of(people["chair"])


def test_given_opinion_cannot_be_given_again_in_the_same_round(people):
    opinion = give(opinion_of(proposal_naming(people, ENGINEERING)), people["eng_chair"])

    with pytest.raises(TransitionNotAllowed):
        give(opinion, people["eng_chair"], "unfavourable", "Передумали.")

    assert Opinion.objects.get(pk=opinion.pk).verdict == "favourable"


def test_office_waives_with_a_reason_and_the_group_hears(people):
    opinion = opinion_of(proposal_naming(people, ENGINEERING))

    waived = opinions.opinion_waive(
        opinion_id=opinion.pk, by=people["office"], reason="Инжиниринг не требуется."
    )

    assert (waived.state, waived.waived_by, waived.waiver_reason) == (
        "waived",
        people["office"],
        "Инжиниринг не требуется.",
    )
    assert (
        f"Заключение по заявке «{opinion.proposal.title}» ({opinion.body.name_ru}) не требуется: "
        "Инжиниринг не требуется."
    ) in texts_of(people["eng_chair"])
    assert audit.history(waived).last().action == "opinion_waived"


def test_waiving_without_a_reason_is_refused(people):
    opinion = opinion_of(proposal_naming(people, ENGINEERING))

    with pytest.raises(ActionRefusedError):
        opinions.opinion_waive(opinion_id=opinion.pk, by=people["office"], reason="  ")

    assert Opinion.objects.get(pk=opinion.pk).state == "requested"


def test_stale_edition_is_refused(people):
    opinion = opinion_of(proposal_naming(people, ENGINEERING))
    opinions.opinion_assign(
        opinion_id=opinion.pk, by=people["eng_chair"], assignee=people["eng_member"]
    )

    with pytest.raises(ActionRefusedError):
        opinions.opinion_give(
            opinion_id=opinion.pk,
            by=people["eng_chair"],
            verdict="favourable",
            text="Да.",
            seen_edition=opinion.edition,
        )

    assert Opinion.objects.get(pk=opinion.pk).state == "requested"


# --- The group's approval waits for them --------------------------------------------------------
def _approve(proposal, people):
    return transitions.proposal_approve_in_group(proposal_id=proposal.pk, by=people["chair"])


def test_approval_is_refused_in_russian_while_an_opinion_is_awaited(people):
    proposal = proposal_naming(people, ENGINEERING, PRODUCTION)
    give(opinion_of(proposal), people["eng_chair"])
    name = opinion_of(proposal, PRODUCTION).body.name_ru

    with pytest.raises(ActionRefusedError) as refusal:
        _approve(proposal, people)

    with translation.override("ru"):
        assert str(refusal.value.message) == (
            "Для одобрения нужны заключения инфраструктурных групп; ещё не получены: "
            f"{name}. Дирекция программы может признать заключение не требующимся, "
            "указав причину."
        )
    assert Proposal.objects.get(pk=proposal.pk).state == State.WG_REVIEW


def test_approval_runs_once_every_opinion_is_given(people):
    proposal = proposal_naming(people, ENGINEERING, PRODUCTION)
    give(opinion_of(proposal), people["eng_chair"])
    give(opinion_of(proposal, PRODUCTION), people["prod_chair"])

    _approve(proposal, people)

    assert Proposal.objects.get(pk=proposal.pk).state == State.WG_APPROVED


def test_approval_runs_once_the_awaited_opinion_is_waived(people):
    proposal = proposal_naming(people, ENGINEERING)
    opinions.opinion_waive(
        opinion_id=opinion_of(proposal).pk, by=people["office"], reason="Не требуется."
    )

    _approve(proposal, people)

    assert Proposal.objects.get(pk=proposal.pk).state == State.WG_APPROVED


def test_revision_request_is_not_held_up_by_an_awaited_opinion(people):
    proposal = proposal_naming(people, ENGINEERING)

    transitions.proposal_request_revision(
        proposal_id=proposal.pk, by=people["chair"], remarks=["Уточните бюджет"]
    )

    assert Proposal.objects.get(pk=proposal.pk).state == State.REVISION_REQUESTED
    assert opinion_of(proposal).state == "requested"


def test_rejection_is_not_held_up_and_closes_awaited_opinions(people):
    proposal = proposal_naming(people, ENGINEERING)

    transitions.proposal_reject(proposal_id=proposal.pk, by=people["chair"], reason="Не по профилю")

    opinion = opinion_of(proposal)
    assert Proposal.objects.get(pk=proposal.pk).state == State.REJECTED
    assert (opinion.state, opinion.waiver_reason, opinion.waived_by) == (
        "waived",
        "Заявка отклонена.",
        None,
    )
    assert audit.check().problems == []


# --- Rounds --------------------------------------------------------------------------------------
def test_given_opinion_stands_after_resubmission_and_may_be_given_anew(people):
    proposal = proposal_naming(people, ENGINEERING, state=State.REVISION_REQUESTED)
    give(opinion_of(proposal), people["eng_chair"])
    transitions.proposal_submit(proposal_id=proposal.pk, by=people["author"])

    stands = opinion_of(proposal)
    anew = give(stands, people["eng_chair"], "unfavourable", "После доработки — нет.")

    assert (stands.state, stands.round) == ("given", 1)
    assert (anew.verdict, anew.round) == ("unfavourable", 2)
    assert proposal.opinions.count() == 1


def test_group_named_in_a_revision_is_asked_on_resubmission(people):
    proposal = proposal_naming(people, ENGINEERING, state=State.REVISION_REQUESTED)
    proposal.infrastructure_groups.add(Body.objects.get(code=PRODUCTION))

    transitions.proposal_submit(proposal_id=proposal.pk, by=people["author"])

    rows = sorted(proposal.opinions.values_list("body__code", "round"))
    assert rows == [(ENGINEERING, 1), (PRODUCTION, 2)]


# --- Deadlines -----------------------------------------------------------------------------------
def test_deadline_is_registered_with_reminder_and_escalations(people):
    opinion = opinion_of(proposal_naming(people, ENGINEERING))
    deadlines.check()
    kind = ContentType.objects.get_for_model(Opinion)
    deadline = Deadline.objects.get(content_type=kind, object_id=opinion.pk)
    assert (deadline.state, deadline.waiting_for, deadline.due_on) == (
        "requested",
        "group",
        opinion.due_on,
    )
    before = calendar.add_working_days(timezone.localdate(), 9)
    after = calendar.add_working_days(deadline.due_on, 1)
    much_later = calendar.add_working_days(deadline.due_on, 4)
    Notice.objects.all().delete()

    runs = [deadlines.send_reminders(day) for day in (before, after, much_later)]

    sent = [(r["reminded"], r["to_chair"], r["to_office"]) for r in runs]
    assert sent[0][0] >= 1
    assert sent[1][1] >= 1
    assert sent[2][2] >= 1
    title = f"{opinion.body.name_ru}: {opinion.proposal.title}"
    chair_texts = [t for t in texts_of(people["eng_chair"]) if title in t]
    assert len(chair_texts) == 2  # the reminder, then the escalation to the chair
    assert any(title in t for t in texts_of(people["office"]))


def test_deadline_closes_once_the_opinion_is_given(people):
    opinion = opinion_of(proposal_naming(people, ENGINEERING))
    deadlines.check()

    give(opinion, people["eng_chair"])
    deadlines.check()

    kind = ContentType.objects.get_for_model(Opinion)
    deadline = Deadline.objects.get(content_type=kind, object_id=opinion.pk)
    assert deadline.closed_at is not None


# --- The expert conclusion -----------------------------------------------------------------------
def _conclusion_html(proposal: Proposal) -> str:
    version = proposal.versions.order_by("-number").first()
    source = sources.build(
        sources.CONCLUSION,
        proposal,
        version,
        language="ru",
        generated_at=datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC),
    )
    return source.html


def test_conclusion_prints_the_given_opinion_with_who_and_when(people):
    proposal = proposal_naming(people, ENGINEERING, PRODUCTION)
    given = give(opinion_of(proposal), people["eng_chair"], "with_conditions", "Нужна линия.")
    opinions.opinion_waive(
        opinion_id=opinion_of(proposal, PRODUCTION).pk,
        by=people["office"],
        reason="Производство собственное.",
    )

    html = _conclusion_html(Proposal.objects.get(pk=proposal.pk))

    assert "Заключения инфраструктурных групп" in html
    assert given.body.name_ru in html
    assert "Положительное с условиями" in html
    assert "Нужна линия." in html
    assert f"{people['eng_chair'].get_full_name()}, {given.given_at:%d.%m.%Y}" in html
    assert "не требуется: Производство собственное." in html


def test_conclusion_source_key_changes_when_an_opinion_is_given(people):
    proposal = proposal_naming(people, ENGINEERING)
    version = proposal.versions.order_by("-number").first()
    before = sources.source_key(sources.CONCLUSION, proposal, version)

    give(opinion_of(proposal), people["eng_chair"])

    assert sources.source_key(sources.CONCLUSION, proposal, version) != before


# --- Pages ---------------------------------------------------------------------------------------
def test_decision_page_disables_approval_with_the_awaited_group(client, people):
    proposal = proposal_naming(people, ENGINEERING)
    client.force_login(people["chair"])

    page = client.get(reverse("documents:proposal-decide", args=[proposal.pk])).content.decode()

    assert 'data-testid="approve-in-group" disabled' in page
    assert (
        "Пока нельзя: ожидаются заключения инфраструктурных групп: "
        f"{opinion_of(proposal).body.name_ru}."
    ) in page
    assert 'data-testid="opinions"' in page


def test_decision_page_enables_approval_once_given_and_shows_the_text(client, people):
    proposal = proposal_naming(people, ENGINEERING)
    give(opinion_of(proposal), people["eng_chair"], "favourable", "Поддерживаем <b>проект</b>.")
    client.force_login(people["chair"])

    page = client.get(reverse("documents:proposal-decide", args=[proposal.pk])).content.decode()

    assert 'data-testid="approve-in-group" disabled' not in page
    assert "Поддерживаем &lt;b&gt;проект&lt;/b&gt;." in page


def test_group_chair_gives_the_opinion_through_its_page(client, people):
    proposal = proposal_naming(people, ENGINEERING)
    opinion = opinion_of(proposal)
    client.force_login(people["eng_chair"])
    url = reverse("documents:opinion-give", args=[opinion.pk])
    detail = client.get(reverse("documents:proposal-detail", args=[proposal.pk])).content.decode()
    assert f'href="{url}"' in detail

    response = client.post(
        url, {"edition": opinion.edition, "verdict": "favourable", "text": "Поддерживаем."}
    )

    assert response.status_code == 302
    assert opinion_of(proposal).state == "given"


def test_give_page_without_text_shows_the_russian_field_error(client, people):
    opinion = opinion_of(proposal_naming(people, ENGINEERING))
    client.force_login(people["eng_chair"])

    response = client.post(
        reverse("documents:opinion-give", args=[opinion.pk]),
        {"edition": opinion.edition, "verdict": "favourable", "text": ""},
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert response.status_code == 200
    assert "Напишите текст заключения." in response.content.decode()
    assert opinion_of(opinion.proposal).state == "requested"


@pytest.mark.parametrize(
    ("persona", "code"),
    [("research_member", 404), ("prod_chair", 404), ("eng_member", 403), ("author", 404)],
)
def test_give_page_is_refused_to_others(client, people, persona, code):
    opinion = opinion_of(proposal_naming(people, ENGINEERING))
    client.force_login(people[persona])

    url = reverse("documents:opinion-give", args=[opinion.pk])
    got = client.get(url).status_code
    posted = client.post(url, {"edition": 0, "verdict": "favourable", "text": "Да."}).status_code

    assert (got, posted) == (code, code)
    assert opinion_of(opinion.proposal).state == "requested"


def test_member_of_another_infrastructure_group_cannot_open_the_proposal(client, people):
    proposal = proposal_naming(people, ENGINEERING)
    client.force_login(people["research_member"])

    response = client.get(reverse("documents:proposal-detail", args=[proposal.pk]))

    assert response.status_code == 404


def test_office_waives_through_its_page(client, people):
    opinion = opinion_of(proposal_naming(people, ENGINEERING))
    client.force_login(people["office"])

    response = client.post(
        reverse("documents:opinion-waive", args=[opinion.pk]),
        {"edition": opinion.edition, "reason": "Не требуется."},
    )

    assert response.status_code == 302
    assert opinion_of(opinion.proposal).state == "waived"


def test_list_shows_the_groups_opinions_in_russian(client, people):
    proposal = proposal_naming(people, ENGINEERING)
    client.force_login(people["eng_member"])

    page = client.get(reverse("documents:opinion-list"), HTTP_ACCEPT_LANGUAGE="ru")

    text = page.content.decode()
    assert "Заключения инфраструктурных групп" in text
    assert text.count('data-testid="opinion-row"') == 1
    assert proposal.title in text


def test_list_is_forbidden_to_a_sectoral_expert(client, people):
    client.force_login(people["expert"])

    assert client.get(reverse("documents:opinion-list")).status_code == 403


def _list_queries(client, person) -> int:
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("documents:opinion-list"))
    assert response.status_code == 200
    return len(queries)


def test_list_costs_the_same_for_1_and_30_opinions(client, people):
    proposal = proposal_naming(people, ENGINEERING)
    one = _list_queries(client, people["eng_chair"])
    due = opinion_of(proposal).due_on
    for _n in range(29):
        other = proposal_naming(people, state=State.DRAFT)
        Opinion.objects.create(proposal=other, body=opinion_of(proposal).body, round=1, due_on=due)
    assert Opinion.objects.filter(body__code=ENGINEERING).count() == 30

    thirty = _list_queries(client, people["eng_chair"])

    assert thirty == one
