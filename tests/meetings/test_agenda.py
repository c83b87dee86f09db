"""Editing the agenda of a meeting not yet held (meetings.services.agenda_item_move and
agenda_item_remove, rows `move_item` and `remove_item` of meetings/actions.py): the order
changes, the items keep consecutive numbers, each change is audited; a removed decision item's
subject awaits the body's decision again; refused for a stale page (409), for someone who does
not run the meeting (403) and once the meeting is held (409), with nothing changed."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_fsm import TransitionNotAllowed

from documents.models import Proposal
from mbk.exceptions import ActionRefusedError, StaleObjectError
from meetings import selectors, services
from meetings.actions import MEETING
from meetings.models import Meeting
from tests.meetings.test_services import council, plan
from tests.meetings.test_views import as_user
from tests.workflow.states import PERSONAS, proposal_in
from workflow import audit


def agenda(meeting: Meeting) -> list[tuple[int, str]]:
    return list(meeting.items.order_by("position").values_list("position", "title"))


def with_items(people, *titles) -> Meeting:
    meeting = plan(people)
    for title in titles:
        services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title=title)
    meeting.refresh_from_db()
    return meeting


def item_of(meeting: Meeting, title: str):
    return meeting.items.get(title=title)


def test_move_up_swaps_the_item_with_the_one_before_and_is_audited(people):
    meeting = with_items(people, "Первый", "Второй", "Третий")

    services.agenda_item_move(
        meeting_id=meeting.pk,
        by=people["secretary"],
        item_id=item_of(meeting, "Третий").pk,
        direction="up",
        seen_edition=meeting.edition,
    )

    assert agenda(meeting) == [(1, "Первый"), (2, "Третий"), (3, "Второй")]
    entry = list(audit.history(meeting))[-1]
    assert (entry.action, entry.actor, entry.comment) == (
        "agenda_item_moved",
        people["secretary"],
        "Третий: вопрос 3 → 2",
    )


def test_move_down_of_the_last_item_is_refused(people):
    meeting = with_items(people, "Первый", "Второй")

    with pytest.raises(ActionRefusedError):
        services.agenda_item_move(
            meeting_id=meeting.pk,
            by=people["secretary"],
            item_id=item_of(meeting, "Второй").pk,
            direction="down",
        )

    assert agenda(meeting) == [(1, "Первый"), (2, "Второй")]


def test_move_from_a_stale_page_changes_nothing(people):
    meeting = with_items(people, "Первый", "Второй")
    seen = meeting.edition
    services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title="Третий")

    with pytest.raises(StaleObjectError):
        services.agenda_item_move(
            meeting_id=meeting.pk,
            by=people["secretary"],
            item_id=item_of(meeting, "Второй").pk,
            direction="up",
            seen_edition=seen,
        )

    assert agenda(meeting) == [(1, "Первый"), (2, "Второй"), (3, "Третий")]


def test_move_by_a_member_who_does_not_run_the_meeting_is_forbidden(people):
    meeting = with_items(people, "Первый", "Второй")

    with pytest.raises(PermissionDenied):
        services.agenda_item_move(
            meeting_id=meeting.pk,
            by=people["governance_member"],
            item_id=item_of(meeting, "Второй").pk,
            direction="up",
        )

    assert agenda(meeting) == [(1, "Первый"), (2, "Второй")]


def test_remove_renumbers_the_items_after_it_and_is_audited(people):
    meeting = with_items(people, "Первый", "Второй", "Третий")

    services.agenda_item_remove(
        meeting_id=meeting.pk,
        by=people["secretary"],
        item_id=item_of(meeting, "Первый").pk,
        seen_edition=meeting.edition,
    )

    assert agenda(meeting) == [(1, "Второй"), (2, "Третий")]
    entry = list(audit.history(meeting))[-1]
    assert (entry.action, entry.comment) == ("agenda_item_removed", "Первый")


def test_a_removed_proposal_awaits_the_body_again_in_its_state(people):
    proposal = proposal_in(Proposal.State.GOVERNANCE_REVIEW, people, title="Биоаналоги")
    meeting = plan(people)
    item = services.agenda_add(
        meeting_id=meeting.pk, by=people["secretary"], subject=proposal, motion="approve"
    )
    assert proposal not in selectors.awaiting(meeting)

    services.agenda_item_remove(meeting_id=meeting.pk, by=people["secretary"], item_id=item.pk)

    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.GOVERNANCE_REVIEW
    assert proposal in selectors.awaiting(meeting)
    assert meeting.items.count() == 0


def test_the_agenda_of_a_held_meeting_cannot_change(people):
    meeting = with_items(people, "Первый", "Второй")
    services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])
    services.meeting_hold(meeting_id=meeting.pk, by=people["secretary"], present=council(people))

    for change in (
        lambda item: services.agenda_item_remove(
            meeting_id=meeting.pk, by=people["secretary"], item_id=item
        ),
        lambda item: services.agenda_item_move(
            meeting_id=meeting.pk, by=people["secretary"], item_id=item, direction="up"
        ),
    ):
        with pytest.raises(TransitionNotAllowed):
            change(item_of(meeting, "Второй").pk)

    assert agenda(meeting) == [(1, "Первый"), (2, "Второй")]


# --- The page ------------------------------------------------------------------------------
def post(client, meeting, action, data):
    return client.post(reverse("meetings:act", args=[meeting.pk, action]), data)


def test_the_page_moves_an_item_and_shows_the_new_order(client, people):
    meeting = with_items(people, "Первый", "Второй")
    as_user(client, people["secretary"])

    response = post(
        client,
        meeting,
        "move-item",
        {"item": item_of(meeting, "Второй").pk, "direction": "up", "edition": meeting.edition},
    )

    assert response.status_code == 302
    assert agenda(meeting) == [(1, "Второй"), (2, "Первый")]
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert page.index("2. Первый") > page.index("1. Второй")


def test_the_page_refuses_a_stale_move_with_409_and_changes_nothing(client, people):
    meeting = with_items(people, "Первый", "Второй")
    as_user(client, people["secretary"])

    response = post(
        client,
        meeting,
        "move-item",
        {"item": item_of(meeting, "Второй").pk, "direction": "up", "edition": meeting.edition - 1},
    )

    assert response.status_code == 409
    assert agenda(meeting) == [(1, "Первый"), (2, "Второй")]


def test_a_member_posting_a_removal_gets_403_and_the_item_stays(client, people):
    meeting = with_items(people, "Первый")
    as_user(client, people["governance_member"])

    response = post(
        client,
        meeting,
        "remove-item",
        {"item": item_of(meeting, "Первый").pk, "edition": meeting.edition},
    )

    assert response.status_code == 403
    assert agenda(meeting) == [(1, "Первый")]


def test_an_item_of_another_meeting_is_not_found(client, people):
    meeting = with_items(people, "Первый")
    other = with_items(people, "Чужой")
    as_user(client, people["secretary"])

    response = post(
        client,
        meeting,
        "remove-item",
        {"item": item_of(other, "Чужой").pk, "edition": meeting.edition},
    )

    assert response.status_code == 404
    assert agenda(other) == [(1, "Чужой")]


def test_the_page_offers_the_agenda_tools_only_to_who_runs_a_meeting_not_yet_held(client, people):
    meeting = with_items(people, "Первый", "Второй")
    url = reverse("meetings:detail", args=[meeting.pk])

    secretary = as_user(client, people["secretary"]).get(url).content.decode()
    member = as_user(client, people["governance_member"]).get(url).content.decode()

    assert secretary.count('data-testid="agenda-tools"') == 2
    assert 'hx-post="' in secretary
    assert 'hx-select="#meeting-body"' in secretary
    assert "Вопрос исключается из повестки" in secretary
    assert 'data-testid="agenda-tools"' not in member


def test_who_may_edit_the_agenda_follows_the_table_and_the_service_agrees(people):
    meeting = with_items(people, "Первый", "Второй")
    item = item_of(meeting, "Второй").pk
    runs = {"secretary", "governance_chair"}

    offered = {
        name: {p for p in PERSONAS if MEETING[name].allows(people[p], meeting)}
        for name in ("move_item", "remove_item")
    }
    refused = set()
    for persona in sorted(set(PERSONAS) - runs - {"anonymous"}):
        with pytest.raises(PermissionDenied):
            services.agenda_item_remove(meeting_id=meeting.pk, by=people[persona], item_id=item)
        refused.add(persona)

    assert offered == {"move_item": runs, "remove_item": runs}
    assert refused == set(PERSONAS) - runs - {"anonymous"}
    assert agenda(meeting) == [(1, "Первый"), (2, "Второй")]
