"""Migration 0004 turns the votes the secretary typed in (one Vote row per member and item)
into a named ballot of paper votes per item, closed when the item was decided, and back: the
minutes of a meeting decided before the upgrade still print its votes."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from documents.models import Proposal
from meetings import document, services, voting
from meetings.models import Ballot, Meeting
from tests.meetings.test_services import council, plan
from tests.workflow.states import make_people, proposal_in

BEFORE = [("meetings", "0003_meeting_sequence")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_old_votes_become_a_closed_named_ballot_of_paper_votes():
    people = make_people()
    proposal = proposal_in(Proposal.State.GOVERNANCE_REVIEW, people)
    meeting = plan(people)
    item = services.agenda_add(
        meeting_id=meeting.pk, by=people["secretary"], subject=proposal, motion="approve"
    )
    services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])
    services.meeting_hold(meeting_id=meeting.pk, by=people["secretary"], present=council(people))
    ballot = voting.ballot_open(item_id=item.pk, by=people["secretary"], kind="named")
    for person, choice in zip(council(people), ["for", "for", "against"], strict=True):
        voting.ballot_vote(ballot_id=ballot.pk, by=person, choice=choice)
    voting.ballot_close(ballot_id=ballot.pk, by=people["secretary"])

    migrate(BEFORE)  # back: the ballot's votes become Vote rows
    with connection.cursor() as cursor:
        cursor.execute("SELECT choice FROM meetings_vote ORDER BY choice")
        assert [row[0] for row in cursor.fetchall()] == ["against", "for", "for"]
    call_command("migrate", verbosity=0)

    migrated = Ballot.objects.get()
    assert (migrated.kind, migrated.state, migrated.opened_by) == (
        "named",
        "closed",
        people["secretary"],
    )
    assert (migrated.votes_for, migrated.votes_against, migrated.votes_abstained) == (2, 1, 0)
    assert set(migrated.votes.values_list("method", "cast_by")) == {("paper", None)}
    html = document.build(
        Meeting.objects.get(pk=meeting.pk), language="ru", generated_at=timezone.now()
    ).html
    assert "Поименное голосование. Голоса: за 2, против 1, воздержались 0." in html
    assert "— против (внесено секретарём по бюллетеню)" in html
