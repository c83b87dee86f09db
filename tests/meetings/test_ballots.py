"""Members vote themselves: a council of five (chair, secretary, three members) votes from its
own sessions on two proposals, with one member absent whose proxy holder votes for her and one
conflicted (of the author's organisation); named and secret ballots, paper ballots, a show of
hands, proxies and the quorum, the refusals, a secret ballot that links no choice to anyone,
and two members voting at the same moment."""

import logging
import re

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from accounts.models import User
from api import tokens
from directory.models import Body, Membership
from documents.models import Proposal
from mbk.exceptions import ActionRefusedError
from meetings import document, selectors, services, voting
from meetings.models import Ballot, BallotParticipation, BallotVote, Meeting
from tests.conftest import unavailable
from tests.factories import MembershipFactory
from tests.meetings.test_services import plan
from tests.workflow.states import make_people, proposal_in
from tests.workflow.test_concurrency import at_the_same_moment
from workflow import audit

State = Proposal.State
CHOICES = ("for", "against", "abstained")
TOTALS = r"за \d+, против \d+, воздержались \d+"


def rename(person: User, last: str, first: str, middle: str) -> User:
    User.objects.filter(pk=person.pk).update(last_name=last, first_name=first, middle_name=middle)
    person.refresh_from_db()
    return person


@pytest.fixture
def people(db):
    """The personas, and a council of five voting members with names of their own: Кузнецов
    (chair), Смирнова (secretary), Петров, Иванова (absent, gives Петров her vote) and Сидоров,
    of the authors' organisation (conflicted on their proposals)."""
    people = make_people()
    council = Body.objects.get(code="council")

    def member(username: str, last: str, first: str, middle: str, **user) -> User:
        return MembershipFactory(
            body=council,
            role=Membership.Role.MEMBER,
            user__username=username,
            user__last_name=last,
            user__first_name=first,
            user__middle_name=middle,
            **{f"user__{k}": v for k, v in user.items()},
        ).user

    rename(people["governance_chair"], "Кузнецов", "Кирилл", "Петрович")
    rename(people["secretary"], "Смирнова", "Светлана", "Олеговна")
    rename(people["governance_member"], "Петров", "Пётр", "Петрович")
    people["ivanova"] = member("ivanova", "Иванова", "Анна", "Сергеевна")
    people["sidorov"] = member(
        "sidorov", "Сидоров", "Семён", "Семёнович", organisation=people["author"].organisation
    )
    return people


def client_of(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def held_meeting(people, *proposals, present=None, proxy=True) -> tuple[Meeting, list]:
    """A council meeting on the proposals, Иванова's vote given to Петров before it, held with
    everyone but Иванова (or `present`)."""
    secretary = people["secretary"]
    meeting = plan(people)
    items = [
        services.agenda_add(meeting_id=meeting.pk, by=secretary, subject=p, motion="approve")
        for p in proposals
    ]
    services.agenda_publish(meeting_id=meeting.pk, by=secretary)
    if proxy:
        voting.proxy_grant(
            meeting_id=meeting.pk, by=people["ivanova"], holder_id=people["governance_member"].pk
        )
    if present is None:
        present = [people[p] for p in ("governance_chair", "secretary", "governance_member")]
        present.append(people["sidorov"])
    services.meeting_hold(meeting_id=meeting.pk, by=secretary, present=present)
    return Meeting.objects.get(pk=meeting.pk), items


def vote(person, ballot: Ballot, choice: str, voter=None):
    data = {"choice": choice, **({"voter": voter.pk} if voter else {})}
    return client_of(person).post(reverse("meetings:ballot-vote", args=[ballot.pk]), data)


def open_ballot(people, item, kind: str) -> Ballot:
    response = client_of(people["governance_chair"]).post(
        reverse("meetings:ballot-open", args=[item.pk]), {f"item{item.pk}-kind": kind}
    )
    assert response.status_code == 302
    return item.ballots.get(state=Ballot.State.OPEN)


def close(people, ballot: Ballot, note: str = ""):
    return client_of(people["governance_chair"]).post(
        reverse("meetings:ballot-close", args=[ballot.pk]),
        {f"item{ballot.item_id}-note": note},
    )


def tally(ballot: Ballot) -> tuple[int, int, int]:
    ballot.refresh_from_db()
    return ballot.votes_for, ballot.votes_against, ballot.votes_abstained


def partial(person, item) -> str:
    return client_of(person).get(reverse("meetings:item-ballot", args=[item.pk])).content.decode()


# --- The journey ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["named", "secret"])
def test_members_vote_themselves_and_the_chair_closes(people, kind):
    adopted = proposal_in(State.GOVERNANCE_REVIEW, people, title="Биоаналоги")
    declined = proposal_in(State.GOVERNANCE_REVIEW, people, title="Кормовые добавки")
    meeting, (first, second) = held_meeting(people, adopted, declined)
    chair, secretary, petrov = (
        people[p] for p in ("governance_chair", "secretary", "governance_member")
    )
    ivanova, sidorov = people["ivanova"], people["sidorov"]

    ballot = open_ballot(people, first, kind)
    page = client_of(petrov).get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Голосовать за Иванову А. С. по доверенности" in page
    assert "Ваш голос" in page
    for person in (chair, secretary, petrov):
        assert vote(person, ballot, "for").status_code == 302
    assert vote(petrov, ballot, "for", voter=ivanova).status_code == 302
    refused = vote(sidorov, ballot, "for")

    assert refused.status_code == 409
    assert "У вас конфликт интересов по этому вопросу" in refused.content.decode()
    assert tally(ballot) == (4, 0, 0)
    assert selectors.voted_ids(ballot) == {chair.pk, secretary.pk, petrov.pk, ivanova.pk}
    progress = partial(chair, first)
    assert "Проголосовали: 4 из 4." in progress
    if kind == "secret":
        assert "Голоса: за" not in progress  # the totals wait for the close
        assert "Ваш голос учтён." in partial(petrov, first)
    else:
        assert "Голоса: за 4, против 0, воздержались 0." in progress
    assert close(people, ballot, "Включить в программу.").status_code == 302
    adopted.refresh_from_db()
    assert adopted.state == State.APPROVED
    day = timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y")
    assert adopted.decision_reference == f"протокол № {meeting.number} от {day}, п. 1"

    ballot = open_ballot(people, second, kind)
    vote(chair, ballot, "for")
    vote(secretary, ballot, "against")
    vote(petrov, ballot, "abstained")
    vote(petrov, ballot, "against", voter=ivanova)
    close(people, ballot)

    second.refresh_from_db()
    declined.refresh_from_db()
    assert (second.result, declined.state) == ("not_adopted", State.GOVERNANCE_REVIEW)
    assert tally(ballot) == (1, 2, 1)
    html = document.build(meeting, language="ru", generated_at=timezone.now()).html
    assert "Петров П. П. — по доверенности Ивановой А. С." in html
    assert "Голоса: за 1, против 2, воздержались 1." in html
    if kind == "secret":
        assert "Тайное голосование." in html
        assert "Иванова Анна Сергеевна (по доверенности — Петров П. П.)" in html
    else:
        assert "Иванова Анна Сергеевна — против (по доверенности — Петров П. П.)" in html


Rule = Body.DecisionRule


@pytest.mark.parametrize(
    ("rule", "votes", "eligible", "adopted"),
    [
        (Rule.VOTES_CAST, (2, 1, 1), 5, True),
        (Rule.VOTES_CAST, (1, 1, 2), 5, False),
        (Rule.MAJORITY_OF_VOTERS, (2, 1, 1), 4, False),  # 2 of 4 entitled is not more than half
        (Rule.MAJORITY_OF_VOTERS, (3, 0, 0), 5, True),
        (Rule.TWO_THIRDS, (2, 1, 0), 5, True),  # 2 of 3 cast
        (Rule.TWO_THIRDS, (3, 1, 1), 5, False),  # 3 of 5 cast
    ],
)
def test_a_motion_is_adopted_by_the_bodys_rule(rule, votes, eligible, adopted):
    ballot = Ballot(rule=rule, eligible=eligible)
    ballot.votes_for, ballot.votes_against, ballot.votes_abstained = votes

    assert ballot.adopted is adopted


def test_a_ballot_keeps_the_rule_and_the_voters_it_opened_with(people):
    council = Body.objects.get(code="council")
    council.decision_rule = Rule.MAJORITY_OF_VOTERS
    council.save()
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    _meeting, (item,) = held_meeting(people, proposal)
    chair, secretary, petrov = (
        people[p] for p in ("governance_chair", "secretary", "governance_member")
    )
    ballot = open_ballot(people, item, "named")
    vote(chair, ballot, "for")
    vote(secretary, ballot, "for")
    vote(petrov, ballot, "against")
    vote(petrov, ballot, "abstained", voter=people["ivanova"])
    council.decision_rule = Rule.VOTES_CAST  # changed during the meeting: this vote keeps its own
    council.save()

    close(people, ballot, "Отклонить.")

    ballot.refresh_from_db()
    item.refresh_from_db()
    proposal.refresh_from_db()
    # Кузнецов, Смирнова, Петров and Иванова by proxy; Сидоров is conflicted on the item.
    assert (ballot.rule, ballot.eligible) == (Rule.MAJORITY_OF_VOTERS, 4)
    assert item.result == "not_adopted"  # 2 for of 4: more for than against, not a majority
    assert proposal.state == State.GOVERNANCE_REVIEW


def test_the_proxy_holder_does_not_vote_for_a_present_grantor(people):
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    present = [people[p] for p in ("governance_chair", "secretary", "governance_member", "ivanova")]
    _meeting, (item,) = held_meeting(people, proposal, present=present)
    ballot = open_ballot(people, item, "named")

    refused = vote(people["governance_member"], ballot, "for", voter=people["ivanova"])

    assert refused.status_code == 409
    assert "Иванова А. С. присутствует на заседании и голосует лично." in refused.content.decode()
    assert vote(people["ivanova"], ballot, "against").status_code == 302
    assert tally(ballot) == (0, 1, 0)


def test_a_conflicted_holder_carries_no_proxy_and_a_conflicted_grantor_no_vote(people):
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    meeting = plan(people)
    item = services.agenda_add(
        meeting_id=meeting.pk, by=people["secretary"], subject=proposal, motion="approve"
    )
    voting.proxy_grant(meeting_id=meeting.pk, by=people["ivanova"], holder_id=people["sidorov"].pk)
    present = [people[p] for p in ("governance_chair", "secretary", "governance_member", "sidorov")]
    services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])
    services.meeting_hold(meeting_id=meeting.pk, by=people["secretary"], present=present)
    ballot = open_ballot(people, item, "named")

    refused = vote(people["sidorov"], ballot, "for", voter=people["ivanova"])

    assert refused.status_code == 409
    assert "голосовать по нему по доверенности вы не можете" in refused.content.decode()
    assert [v.person for v in selectors.voters(item)] == [
        people["governance_chair"],
        people["governance_member"],
        people["secretary"],
    ]
    assert ballot.votes.count() == 0


# --- Refusals ---------------------------------------------------------------------------------
def test_who_may_not_vote_is_refused_and_nothing_changes(people):
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    _meeting, (item,) = held_meeting(people, proposal)
    ballot = open_ballot(people, item, "named")
    entries = audit.history(item.meeting).count()

    answers = {
        name: vote(people[name], ballot, "for").status_code
        for name in ("ivanova", "office", "observer", "outsider", "author")
    }

    # absent: 409; the programme office sees the meeting but has no vote: 403; the observer,
    # an outsider and the author do not see it: 404.
    assert answers == {
        "ivanova": 409,
        "office": 403,
        "observer": 404,
        "outsider": 404,
        "author": 404,
    }
    assert tally(ballot) == (0, 0, 0)
    assert audit.history(item.meeting).count() == entries


def test_a_secret_vote_is_cast_once(people):
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    _meeting, (item,) = held_meeting(people, proposal)
    ballot = open_ballot(people, item, "secret")
    vote(people["governance_member"], ballot, "for")

    again = vote(people["governance_member"], ballot, "against")

    assert again.status_code == 409
    assert "тайный голос изменить нельзя" in again.content.decode()
    assert tally(ballot) == (1, 0, 0)


def test_a_named_vote_may_be_changed_while_open(people):
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    _meeting, (item,) = held_meeting(people, proposal)
    ballot = open_ballot(people, item, "named")
    vote(people["governance_member"], ballot, "for")

    vote(people["governance_member"], ballot, "against")

    assert tally(ballot) == (0, 1, 0)
    assert ballot.votes.get().choice == "against"
    page = partial(people["governance_member"], item)
    assert 'data-choice="against"' in page


def test_the_quorum_is_needed_to_open_a_ballot(people):
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    _meeting, (item,) = held_meeting(people, proposal, present=[people["secretary"]])

    with pytest.raises(ActionRefusedError) as refused:
        voting.ballot_open(item_id=item.pk, by=people["governance_chair"], kind="named")

    assert "Нет кворума: присутствуют 1 из 5 членов, нужно 3." in str(refused.value)
    assert item.ballots.count() == 0


def test_a_cancelled_ballot_leaves_the_item_open_for_a_new_one(people):
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    _meeting, (item,) = held_meeting(people, proposal)
    ballot = open_ballot(people, item, "named")
    vote(people["governance_member"], ballot, "against")
    chair = client_of(people["governance_chair"])
    assert (
        chair.post(
            reverse("meetings:ballot-open", args=[item.pk]), {f"item{item.pk}-kind": "named"}
        ).status_code
        == 409
    )

    chair.post(
        reverse("meetings:ballot-cancel", args=[ballot.pk]),
        {f"item{item.pk}-reason": "Ошибка в формулировке вопроса"},
    )
    again = open_ballot(people, item, "secret")

    assert vote(people["governance_member"], ballot, "for").status_code == 409  # over
    assert again.kind == "secret"
    assert "Голосование (поименное голосование) отменено: Ошибка в формулировке вопроса" in partial(
        people["governance_member"], item
    )
    assert [e.action for e in audit.history(item.meeting)][-3:] == [
        "ballot_voted",
        "ballot_cancelled",
        "ballot_opened",
    ]


# --- Paper ballots and a show of hands --------------------------------------------------------
def test_the_secretary_enters_a_paper_ballot(people):
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    meeting, (item,) = held_meeting(people, proposal)
    ballot = open_ballot(people, item, "named")
    secretary = client_of(people["secretary"])
    assert (
        'data-testid="paper-form"'
        in secretary.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    )

    response = secretary.post(
        reverse("meetings:ballot-paper", args=[ballot.pk]),
        {f"paper{item.pk}-voter": people["governance_member"].pk, f"paper{item.pk}-choice": "for"},
    )
    vote(people["governance_chair"], ballot, "for")
    close(people, ballot)

    assert response.status_code == 302
    paper = ballot.votes.get(voter=people["governance_member"])
    assert (paper.method, paper.cast_by, paper.choice) == ("paper", people["secretary"], "for")
    page = client_of(people["governance_member"]).get(reverse("meetings:detail", args=[meeting.pk]))
    assert "Петров Пётр Петрович — за (внесено секретарём по бюллетеню)" in page.content.decode()
    html = document.build(meeting, language="ru", generated_at=timezone.now()).html
    assert "Петров Пётр Петрович — за (внесено секретарём по бюллетеню)" in html


def test_a_paper_ballot_of_a_secret_vote_counts_without_a_choice(people):
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    _meeting, (item,) = held_meeting(people, proposal)
    ballot = open_ballot(people, item, "secret")

    voting.ballot_vote_paper(
        ballot_id=ballot.pk,
        by=people["secretary"],
        voter_id=people["governance_member"].pk,
        choice="against",
    )

    assert tally(ballot) == (0, 1, 0)
    row = BallotParticipation.objects.get(ballot=ballot)
    assert (row.voter, row.cast_by, row.method) == (
        people["governance_member"],
        people["secretary"],
        "paper",
    )
    assert not BallotVote.objects.filter(ballot=ballot).exists()


def test_a_paper_ballot_is_for_present_members_only(people):
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    _meeting, (item,) = held_meeting(people, proposal)
    ballot = open_ballot(people, item, "named")

    with pytest.raises(ActionRefusedError):
        voting.ballot_vote_paper(
            ballot_id=ballot.pk, by=people["secretary"], voter_id=people["ivanova"].pk, choice="for"
        )

    assert tally(ballot) == (0, 0, 0)


def test_all_in_favour_records_every_vote_and_the_proxy(people):
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    meeting, (item,) = held_meeting(people, proposal)
    ballot = open_ballot(people, item, "named")

    client_of(people["governance_chair"]).post(
        reverse("meetings:ballot-all-in-favour", args=[ballot.pk])
    )
    close(people, ballot, "Одобрить")

    ballot.refresh_from_db()
    assert ballot.kind == "show_of_hands"
    assert tally(ballot) == (4, 0, 0)  # chair, secretary, Петров and Иванова by proxy
    assert set(ballot.votes.values_list("method", flat=True)) == {"show_of_hands"}
    proposal.refresh_from_db()
    assert proposal.state == State.APPROVED
    html = document.build(meeting, language="ru", generated_at=timezone.now()).html
    assert "Единогласно (открытым голосованием). Голоса: за 4, против 0, воздержались 0." in html


def test_all_in_favour_is_refused_in_a_secret_ballot(people):
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    _meeting, (item,) = held_meeting(people, proposal)
    ballot = open_ballot(people, item, "secret")

    response = client_of(people["governance_chair"]).post(
        reverse("meetings:ballot-all-in-favour", args=[ballot.pk])
    )

    assert response.status_code == 409
    assert tally(ballot) == (0, 0, 0)


# --- Proxies and the quorum -------------------------------------------------------------------
def test_a_member_holds_one_proxy_unless_the_body_allows_more(people):
    meeting = plan(people)
    petrov = people["governance_member"]
    voting.proxy_grant(meeting_id=meeting.pk, by=people["ivanova"], holder_id=petrov.pk)

    with pytest.raises(ActionRefusedError) as refused:
        voting.proxy_grant(meeting_id=meeting.pk, by=people["sidorov"], holder_id=petrov.pk)

    assert "Петров П. П.: уже столько доверенностей, сколько разрешает орган (1)." in str(
        refused.value
    )
    Body.objects.filter(code="council").update(max_proxies_per_holder=2)
    voting.proxy_grant(meeting_id=meeting.pk, by=people["sidorov"], holder_id=petrov.pk)
    assert meeting.proxies.filter(holder=petrov, revoked_at=None).count() == 2


def test_proxies_count_for_the_quorum_only_when_the_body_says_so(people):
    meeting = plan(people)
    for grantor, holder in (("ivanova", "governance_member"), ("sidorov", "secretary")):
        voting.proxy_grant(meeting_id=meeting.pk, by=people[grantor], holder_id=people[holder].pk)
    services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title="Разное")
    services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])
    present = [people["secretary"], people["governance_member"]]
    services.meeting_hold(meeting_id=meeting.pk, by=people["secretary"], present=present)
    meeting.refresh_from_db()

    before = selectors.quorum(meeting)
    Body.objects.filter(code="council").update(proxies_count_for_quorum=True)
    meeting.body.refresh_from_db()
    after = selectors.quorum(meeting)

    assert (before.present, before.reached) == (2, False)
    assert (after.present, after.reached) == (4, True)


def test_a_proxy_is_revoked_until_the_meeting_is_held(people):
    meeting = plan(people)
    proxy = voting.proxy_grant(
        meeting_id=meeting.pk, by=people["ivanova"], holder_id=people["governance_member"].pk
    )
    assert (
        client_of(people["governance_member"])
        .post(reverse("meetings:proxy-revoke", args=[proxy.pk]))
        .status_code
        == 403
    )

    client_of(people["ivanova"]).post(reverse("meetings:proxy-revoke", args=[proxy.pk]))
    again = client_of(people["ivanova"]).post(
        reverse("meetings:proxy-grant", args=[meeting.pk]), {"holder": people["secretary"].pk}
    )
    services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title="Разное")
    services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])
    services.meeting_hold(meeting_id=meeting.pk, by=people["secretary"], present=[])
    given = meeting.proxies.get(revoked_at=None)

    assert again.status_code == 302
    assert given.holder == people["secretary"]
    with pytest.raises(TransitionNotAllowed):  # 409: the meeting is held
        voting.proxy_revoke(proxy_id=given.pk, by=people["ivanova"])
    assert [e.action for e in audit.history(meeting)][1:4] == [
        "proxy_granted",
        "proxy_revoked",
        "proxy_granted",
    ]


def test_the_meeting_page_offers_the_proxy_form_to_members(people):
    meeting = plan(people)

    page = client_of(people["ivanova"]).get(reverse("meetings:detail", args=[meeting.pk]))

    assert 'data-testid="proxy-form"' in page.content.decode()
    assert "Передать мой голос" in page.content.decode()


# --- The API ----------------------------------------------------------------------------------
def api(person) -> Client:
    secret = tokens.token_issue(user=person, name="ballots").secret
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_members_vote_through_the_api_and_a_secret_ballot_tells_no_choice(people):
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    meeting, (item,) = held_meeting(people, proposal)
    base = f"/api/v1/meetings/{meeting.pk}/ballots/"
    opened = api(people["governance_chair"]).post(
        f"{base}open/", {"item": item.position, "kind": "secret"}, content_type="application/json"
    )
    ballot = opened.json()["id"]
    petrov = api(people["governance_member"])

    answer = petrov.post(
        f"{base}{ballot}/vote/", {"choice": "against"}, content_type="application/json"
    )
    proxy = petrov.post(
        f"{base}{ballot}/vote/",
        {"choice": "for", "voter": "ivanova"},
        content_type="application/json",
    )
    paper = api(people["secretary"]).post(
        f"{base}{ballot}/paper/",
        {"voter": "council-chair", "choice": "abstained"},
        content_type="application/json",
    )
    conflicted = api(people["sidorov"]).post(
        f"{base}{ballot}/vote/", {"choice": "for"}, content_type="application/json"
    )
    listed = petrov.get(base).json()

    assert opened.status_code == 201
    assert (answer.status_code, answer.json()) == (200, {"voted": True})
    assert (proxy.status_code, paper.status_code, conflicted.status_code) == (200, 200, 409)
    row = listed[0]
    assert (row["votes_for"], row["voted"], row["eligible"], row["votes"]) == (None, 3, 4, [])
    assert row["mine"] == [
        {"voter": "council-member", "by_proxy": False, "voted": True, "choice": None},
        {"voter": "ivanova", "by_proxy": True, "voted": True, "choice": None},
    ]
    closed = api(people["governance_chair"]).post(
        f"{base}{ballot}/close/", {"note": ""}, content_type="application/json"
    )
    assert (
        closed.json()["votes_for"],
        closed.json()["votes_against"],
        closed.json()["votes_abstained"],
    ) == (1, 1, 1)
    assert [p["method"] for p in closed.json()["participants"]] == ["proxy", "paper", "in_person"]
    assert not re.search(r'"choice"', closed.content.decode())


def test_proxies_through_the_api(people):
    meeting = plan(people)
    url = f"/api/v1/meetings/{meeting.pk}/proxies/"

    given = api(people["ivanova"]).post(
        url, {"holder": "council-member"}, content_type="application/json"
    )
    unknown = api(people["sidorov"]).post(
        url, {"holder": "nobody"}, content_type="application/json"
    )
    revoked = api(people["ivanova"]).post(f"{url}{given.json()['id']}/revoke/")

    assert given.status_code == 201
    assert given.json()["holder"]["username"] == "council-member"
    assert unknown.status_code == 400
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None


# --- Secrecy ----------------------------------------------------------------------------------
def test_a_secret_ballot_links_no_choice_to_a_voter(people, caplog):
    caplog.set_level(logging.DEBUG)
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    meeting, (item,) = held_meeting(people, proposal)
    ballot = open_ballot(people, item, "secret")
    voting.ballot_vote_paper(  # the chair's paper ballot
        ballot_id=ballot.pk,
        by=people["secretary"],
        voter_id=people["governance_chair"].pk,
        choice="for",
    )
    vote(people["secretary"], ballot, "against")
    vote(people["governance_member"], ballot, "abstained")
    vote(people["governance_member"], ballot, "for", voter=people["ivanova"])
    close(people, ballot)
    voters = [people[p] for p in ("governance_chair", "secretary", "governance_member", "ivanova")]
    ids = {p.pk for p in voters}

    leaks = []
    with connection.cursor() as cursor:
        users = User._meta.db_table
        for table in connection.introspection.table_names(cursor):
            relations = connection.introspection.get_relations(cursor, table)
            person_columns = {
                c for c, (_to_col, to_table) in relations.items() if to_table == users
            }
            if table == users:
                person_columns.add("id")
            if not person_columns:
                continue
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from introspection)
            names = [d[0] for d in cursor.description]
            for row in cursor.fetchall():
                values = dict(zip(names, row, strict=True))
                whose = {values[c] for c in person_columns} & ids
                text = " ".join(str(v) for v in values.values() if isinstance(v, str))
                text = re.sub(TOTALS, "", text)  # the closing entry's totals name nobody
                if whose and (
                    any(v in CHOICES for v in values.values())
                    or re.search(r"\b(for|against|abstained|за|против|воздерж\w*)\b", text)
                ):
                    leaks.append((table, values))

    assert leaks == []
    assert tally(ballot) == (2, 1, 1)
    assert BallotParticipation.objects.filter(ballot=ballot).count() == 4
    comments = [e.comment for e in audit.history(meeting) if e.action == "ballot_voted"]
    assert comments == [
        "1: Кузнецов К. П. — голос подан (внесено секретарём по бюллетеню)",
        "1: Смирнова С. О. — голос подан",
        "1: Петров П. П. — голос подан",
        "1: Иванова А. С. — голос подан (по доверенности)",
    ]
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert not re.search(r"\b(против|воздерж\w*|against|abstained)\b", logged)


# --- Two at once ------------------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_members_voting_at_once_are_both_counted():
    if connection.vendor != "postgresql":
        unavailable(f"DATABASE_URL names {connection.vendor}, not PostgreSQL")
    people = make_people()
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    present = [people[p] for p in ("governance_chair", "secretary", "governance_member")]
    meeting = plan(people)
    item = services.agenda_add(
        meeting_id=meeting.pk, by=people["secretary"], subject=proposal, motion="approve"
    )
    services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])
    services.meeting_hold(meeting_id=meeting.pk, by=people["secretary"], present=present)
    ballot = voting.ballot_open(item_id=item.pk, by=people["secretary"], kind="secret")
    edition = Meeting.objects.get(pk=meeting.pk).edition

    outcomes = at_the_same_moment(
        lambda: voting.ballot_vote(
            ballot_id=ballot.pk, by=people["governance_member"], choice="for"
        ),
        lambda: voting.ballot_vote(
            ballot_id=ballot.pk, by=people["governance_chair"], choice="against"
        ),
    )

    assert outcomes == ["ok", "ok"]
    assert tally(ballot) == (1, 1, 0)
    assert Meeting.objects.get(pk=meeting.pk).edition == edition  # votes do not bump it
    assert audit.verify()[1] is None


@pytest.mark.parametrize("kind", ["named", "secret"])
def test_totals_changed_past_the_services_decide_nothing(people, kind):
    # An insider with a database console adds two votes "for" to the ballot's counters.
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    _meeting, (item,) = held_meeting(people, proposal)
    ballot = open_ballot(people, item, kind)
    vote(people["governance_chair"], ballot, "against")
    vote(people["secretary"], ballot, "against")
    vote(people["governance_member"], ballot, "for")
    Ballot.objects.filter(pk=ballot.pk).update(votes_for=F("votes_for") + 2)

    response = close(people, ballot, "Одобрить.")

    assert response.status_code == 409
    assert "не совпадают с записанными голосами" in response.content.decode()
    item.refresh_from_db()
    proposal.refresh_from_db()
    assert (item.result, proposal.state) == ("", State.GOVERNANCE_REVIEW)
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.OPEN
