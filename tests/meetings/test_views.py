"""The meeting pages: who sees a meeting, the secretary's forms with their errors, the
decision recorded from the page, the .ics download and a list whose queries do not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import Proposal
from meetings import services
from meetings.models import Meeting
from tests.meetings.test_services import council, day_at, plan
from tests.workflow.states import PERSONAS, proposal_in


def as_user(client, person):
    client.logout()
    if person.is_authenticated:
        client.force_login(person)
    return client


def test_who_sees_a_governance_meeting(client, people):
    meeting = plan(people)
    url = reverse("meetings:detail", args=[meeting.pk])

    seen = {p: as_user(client, people[p]).get(url).status_code for p in PERSONAS}

    members = {"secretary", "governance_chair", "governance_member", "office"}
    assert seen == {p: 302 if p == "anonymous" else 200 if p in members else 404 for p in PERSONAS}


def test_plan_form_without_place_or_link_shows_the_error(client, people):
    response = as_user(client, people["secretary"]).post(
        reverse("meetings:plan"),
        {
            "body": people["secretary"].memberships.get().body_id,
            "starts_at": f"{day_at(days=3):%Y-%m-%dT%H:%M}",
        },
    )

    assert response.status_code == 400
    assert "Укажите место проведения заседания или ссылку" in response.content.decode()
    assert Meeting.objects.count() == 0


def test_secretary_runs_the_meeting_from_its_page(client, people):
    proposal = proposal_in(Proposal.State.GOVERNANCE_REVIEW, people, title="Биоаналоги")
    meeting = plan(people)
    as_user(client, people["secretary"])
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert 'data-testid="suggestions"' in page
    assert "Биоаналоги" in page

    act = lambda action, data=None: client.post(  # noqa: E731
        reverse("meetings:act", args=[meeting.pk, action]), data or {}
    )
    act("add-item", {"kind": "proposal", "subject_id": proposal.pk, "motion": "approve"})
    act("publish")
    meeting.refresh_from_db()
    act("hold", {"present": [p.pk for p in council(people)], "edition": meeting.edition})
    item = meeting.items.get()
    client.post(reverse("meetings:ballot-open", args=[item.pk]), {f"item{item.pk}-kind": "named"})
    ballot = item.ballots.get()
    for person in council(people):
        as_user(client, person).post(
            reverse("meetings:ballot-vote", args=[ballot.pk]), {"choice": "for"}
        )
    as_user(client, people["secretary"])
    response = client.post(
        reverse("meetings:ballot-close", args=[ballot.pk]), {f"item{item.pk}-note": "Одобрить"}
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.APPROVED
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Голоса: за 3, против 0, воздержались 0." in page
    assert 'data-result="adopted"' in page


def test_a_member_cannot_run_the_meeting(client, people):
    meeting = plan(people)

    response = as_user(client, people["governance_member"]).post(
        reverse("meetings:act", args=[meeting.pk, "add-item"]), {"title": "Разное"}
    )

    assert response.status_code == 403
    assert meeting.items.count() == 0


def test_invitation_downloads_as_ics(client, people):
    meeting = plan(people)

    response = as_user(client, people["governance_member"]).get(
        reverse("meetings:ics", args=[meeting.pk])
    )

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    body = body.replace("\r\n ", "")  # unfold (RFC 5545, 3.1)
    assert "LOCATION:API Moscow «Красный Октябрь»\\, зал «Чёрная штора»" in body


@pytest.mark.parametrize("count", [1, 8])
def test_meeting_list_queries_do_not_grow(client, people, count):
    for _ in range(count):
        services.agenda_add(meeting_id=plan(people).pk, by=people["secretary"], title="Разное")
    as_user(client, people["secretary"])
    client.get(reverse("meetings:list"))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("meetings:list"))

    assert response.content.decode().count('data-testid="meeting-row"') == count
    assert len(queries) == 6  # the same for 1 and for 8 meetings (the page's count included)


def test_meeting_list_shows_a_page_at_a_time_and_links_the_rest(client, people, monkeypatch):
    monkeypatch.setattr("mbk.paging.PER_PAGE", 2)
    for _ in range(3):
        plan(people)
    as_user(client, people["secretary"])

    first = client.get(reverse("meetings:list")).content.decode()
    second = client.get(reverse("meetings:list"), {"page": 2}).content.decode()

    assert first.count('data-testid="meeting-row"') == 2
    assert 'data-testid="pager"' in first
    assert "?page=2" in first
    assert second.count('data-testid="meeting-row"') == 1


def test_a_meeting_dated_tomorrow_is_not_offered_as_held(client, people):
    meeting = plan(people, starts_at=day_at(days=1))
    services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title="Разное")
    services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])
    meeting.refresh_from_db()
    as_user(client, people["secretary"])

    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    refused = client.post(
        reverse("meetings:act", args=[meeting.pk, "hold"]),
        {"present": [p.pk for p in council(people)], "edition": meeting.edition},
    )

    assert 'data-testid="attendance-form"' not in page
    assert f"Можно отметить с {day_at(days=1):%d.%m.%Y}" in page
    assert refused.status_code == 409
    assert "отметить его проведённым можно с этого дня" in refused.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.AGENDA_PUBLISHED


def test_plan_form_with_a_past_day_shows_the_error(client, people):
    response = as_user(client, people["secretary"]).post(
        reverse("meetings:plan"),
        {
            "body": people["secretary"].memberships.get().body_id,
            "starts_at": f"{day_at(days=-1):%Y-%m-%dT%H:%M}",
            "place": "Зал",
        },
    )

    assert response.status_code == 400
    assert "Этот день уже прошёл" in response.content.decode()
    assert Meeting.objects.count() == 0


def test_the_other_signatory_signs_approved_minutes_from_the_page_once(client, people, media):
    meeting = plan(people)
    services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title="Разное")
    services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])
    services.meeting_hold(meeting_id=meeting.pk, by=people["secretary"], present=council(people))
    services.minutes_approve(meeting_id=meeting.pk, by=people["secretary"])
    url = reverse("meetings:detail", args=[meeting.pk])
    sign = reverse("meetings:act", args=[meeting.pk, "sign-minutes"])

    secretary_page = as_user(client, people["secretary"]).get(url).content.decode()
    member_refused = as_user(client, people["governance_member"]).post(sign)
    chair_page = as_user(client, people["governance_chair"]).get(url).content.decode()
    signed = client.post(sign)
    again = client.post(sign)

    assert 'data-testid="sign-minutes"' not in secretary_page  # signed by approving
    assert member_refused.status_code == 403
    assert 'data-testid="sign-minutes"' in chair_page
    assert signed.status_code == 302
    assert again.status_code == 409
    page = client.get(url).content.decode()
    assert 'data-testid="sign-minutes"' not in page
    names = [people[p].get_full_name() for p in ("secretary", "governance_chair")]
    assert all(name in page for name in names)
