"""workflow/backends.py: the session's person is read with their count of unread notices and
their memberships, in the same query, and a person who may no longer sign in is signed out."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory import rules as directory_rules
from directory.models import Body, Membership
from tests.factories import MembershipFactory
from tests.workflow.test_home import navigation_bar
from workflow.models import Notice


def notices(person, unread: int, read: int) -> None:
    Notice.objects.bulk_create(
        Notice(recipient=person, text=f"Уведомление {n}", url="/", read_at=None)
        for n in range(unread)
    )
    Notice.objects.bulk_create(
        Notice(recipient=person, text=f"Прочитано {n}", url="/", read_at=timezone.now())
        for n in range(read)
    )


@pytest.mark.django_db
def test_the_badge_is_read_with_the_person_in_one_query(client, author, chair):
    notices(author, unread=3, read=2)
    notices(chair, unread=4, read=0)  # someone else's
    client.force_login(author)

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/")

    assert 'data-testid="unread-notices">3<' in navigation_bar(page.content.decode())
    reading_notices = [q["sql"] for q in queries if 'FROM "workflow_notice"' in q["sql"]]
    assert len(reading_notices) == 1
    assert reading_notices[0].startswith('SELECT "accounts_user"."id"')  # the count's subquery


@pytest.mark.django_db
def test_the_badge_follows_notices_read_and_new(client, author):
    notices(author, unread=2, read=0)
    client.force_login(author)
    assert 'unread-notices">2<' in navigation_bar(client.get("/").content.decode())

    assert client.post("/notices/read-all/").status_code == 302
    assert "unread-notices" not in navigation_bar(client.get("/").content.decode())

    notices(author, unread=1, read=0)
    assert 'unread-notices">1<' in navigation_bar(client.get("/").content.decode())


@pytest.mark.django_db
def test_a_person_deactivated_mid_session_is_signed_out(client, author):
    client.force_login(author)
    assert client.session[BACKEND_SESSION_KEY] == "workflow.backends.PersonBackend"
    author.is_active = False
    author.save(update_fields=["is_active"])

    response = client.get("/notices/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_memberships_are_read_with_the_person(client, chair, cluster):
    MembershipFactory(body=cluster["council"], role=Membership.Role.MEMBER, user=chair)
    client.force_login(chair)
    request = client.get("/").wsgi_request

    with CaptureQueriesContext(connection) as queries:
        roles = directory_rules.roles_of(request.user)
        governance = directory_rules.governance_role(request.user)
        in_group = directory_rules.role_in(request.user, cluster["wg-pharma"].pk)

    assert len(queries) == 0  # read with the person
    assert roles == {
        (Body.Kind.SECTORAL_GROUP, Membership.Role.CHAIR),
        (Body.Kind.GOVERNANCE, Membership.Role.MEMBER),
    }
    assert (governance, in_group) == (Membership.Role.MEMBER, Membership.Role.CHAIR)


@pytest.mark.django_db
def test_a_membership_ended_counts_from_the_next_request(client, chair, cluster):
    client.force_login(chair)
    assert directory_rules.roles_of(client.get("/").wsgi_request.user)

    Membership.objects.filter(user=chair).delete()

    assert directory_rules.roles_of(client.get("/").wsgi_request.user) == set()
