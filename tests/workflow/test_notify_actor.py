"""Nobody is told of their own action: the actor is never a recipient of the notice about it,
and the others still are (workflow.notify.notify drops the actor, for every caller)."""

import datetime

import pytest
from django.utils import timezone

from directory.models import Body, Membership
from documents import transitions
from documents.models import Proposal
from meetings import services as meetings
from programme import services as programme
from tests.factories import MembershipFactory, draft_proposal
from tests.programme.world import new_programme, section
from tests.workflow.states import make_people, proposal_in
from workflow.models import Notice
from workflow.notify import notify

Role = Membership.Role


@pytest.fixture
def people(db):
    return make_people()


def told(person) -> list[str]:
    return list(Notice.objects.filter(recipient=person).values_list("text", flat=True))


def test_notify_leaves_the_actor_out_and_tells_the_others(people):
    author, coauthor = people["author"], people["coauthor"]

    notify(
        [author, coauthor],
        actor=author,
        kind="documents.rejected",
        params={"title": "Биоаналоги"},
        url_name="documents:proposal-detail",
        url_kwargs={"pk": 1},
    )

    assert (told(author), told(coauthor)) == ([], ["Заявка «Биоаналоги» отклонена."])


def test_an_author_who_is_the_groups_secretary_is_not_told_of_their_own_submission(people):
    author, chair = people["author"], people["chair"]
    MembershipFactory(body=Body.objects.get(code="wg-pharma"), role=Role.SECRETARY, user=author)
    proposal = draft_proposal(author, title="Биоаналоги")

    transitions.proposal_submit(proposal_id=proposal.pk, by=author)

    assert told(author) == []
    assert told(chair) == ["В вашу рабочую группу поступила новая заявка «Биоаналоги»."]


def test_office_staff_who_is_the_councils_secretary_is_not_told_what_they_sent_awaits(people):
    office, council_chair = people["office"], people["governance_chair"]
    MembershipFactory(body=Body.objects.get(code="council"), role=Role.SECRETARY, user=office)
    proposal = proposal_in(Proposal.State.WG_APPROVED, people, title="Биоаналоги")
    Notice.objects.all().delete()

    transitions.proposal_send_to_governance(proposal_id=proposal.pk, by=office)

    assert told(office) == []
    assert told(council_chair) == ["Заявка «Биоаналоги» ожидает решения Координационного совета."]
    assert len(told(people["secretary"])) == 1


def test_the_office_submitting_its_own_section_is_not_asked_to_decide_on_it(people):
    office = people["office"]
    colleague = MembershipFactory(
        body=Body.objects.get(code="programme-office"), role=Role.STAFF
    ).user
    risks = section(new_programme(people), "risks")
    programme.section_write(
        section_id=risks.pk, by=office, text="Риски: рыночные.", rows=[], seen_edition=None
    )

    programme.section_submit(section_id=risks.pk, by=office)

    assert told(office) == []
    assert len(told(colleague)) == 1
    assert "ждёт вашего решения" in told(colleague)[0]


def test_the_secretary_publishing_an_agenda_is_not_told_it_is_published(people):
    secretary, member = people["secretary"], people["governance_member"]
    meeting = meetings.meeting_plan(
        body_id=Body.objects.get(code="council").pk,
        by=secretary,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Зал А",
    )
    meetings.agenda_add(meeting_id=meeting.pk, by=secretary, title="Разное")

    meetings.agenda_publish(meeting_id=meeting.pk, by=secretary)

    assert told(secretary) == []
    assert len(told(member)) == 1
    assert len(told(people["governance_chair"])) == 1
