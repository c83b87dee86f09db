"""Rights that only deployment grants: in the admin the programme office (staff with the rights
to change people and memberships) cannot give anyone, itself included, superuser or staff
status, groups or permissions, nor take over a superuser's account; a forged POST is refused
and changes nothing. Changes to people and memberships made in the admin are audited."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accounts.models import User
from directory.demo import _programme_office_group
from directory.models import Body, Membership
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, UserFactory
from workflow import audit

Role = Membership.Role


class _FormFields(HTMLParser):
    """The values a browser would send for the admin's change form (its <form id=...>)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" not in a:
                    return
                a.setdefault("value", "on")
            self.data.setdefault(name, []).append(a.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def form_data(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    parser = _FormFields()
    parser.feed(response.content.decode())
    data = {name: values for name, values in parser.data.items() if name != "csrfmiddlewaretoken"}
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


@pytest.fixture
def office_staff(office):
    """The programme office as deployed: staff, with the office group's model permissions."""
    office.is_staff = True
    office.save()
    office.groups.add(_programme_office_group())
    return office


@pytest.fixture
def office_client(client, office_staff):
    client.force_login(office_staff)
    return client


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.ru", PASSWORD)


def change_url(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def rights(user) -> tuple:
    user.refresh_from_db()
    return (
        user.is_superuser,
        user.is_staff,
        sorted(user.groups.values_list("name", flat=True)),
        user.user_permissions.count(),
    )


# --- Rights fields -------------------------------------------------------------------------
def test_office_sees_its_own_rights_read_only(office_client, office_staff):
    data = form_data(office_client, change_url(office_staff))

    assert "is_superuser" not in data
    assert "is_staff" not in data
    assert "groups" not in data
    assert "user_permissions" not in data
    assert data["username"] == "office"


def test_office_cannot_make_itself_superuser_with_a_forged_post(office_client, office_staff):
    data = form_data(office_client, change_url(office_staff))
    before = rights(office_staff)
    entries = audit.history(office_staff).count()

    response = office_client.post(change_url(office_staff), {**data, "is_superuser": "on"})

    assert response.status_code == 403
    assert (
        rights(office_staff)
        == before
        == (False, True, ["mbk:body:programme-office", "programme-office"], 0)
    )
    assert audit.history(office_staff).count() == entries


@pytest.mark.parametrize(
    "forged",
    [{"is_staff": "on"}, {"groups": ["1"]}, {"user_permissions": ["1"]}, {"is_superuser": "on"}],
)
def test_office_cannot_grant_rights_to_another_person(office_client, author, forged):
    data = form_data(office_client, change_url(author))
    before = rights(author)

    response = office_client.post(change_url(author), {**data, **forged})

    assert response.status_code == 403
    assert rights(author) == before == (False, False, [], 0)


def test_office_cannot_take_over_a_superuser_account(office_client, root):
    url = reverse("admin:auth_user_password_change", args=[root.pk])

    response = office_client.post(url, {"password1": "Taken-over-1", "password2": "Taken-over-1"})

    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password(PASSWORD)


def test_superuser_grants_staff_status(client, root, author):
    client.force_login(root)
    data = form_data(client, change_url(author))

    response = client.post(change_url(author), {**data, "is_staff": "on"})

    assert response.status_code == 302
    assert rights(author) == (False, True, [], 0)


# --- Audit of admin changes ----------------------------------------------------------------
def test_person_changed_in_admin_is_audited_with_the_fields(office_client, office_staff, author):
    data = form_data(office_client, change_url(author))

    response = office_client.post(
        change_url(author), {**data, "email": "new@example.ru", "position": "Директор"}
    )

    assert response.status_code == 302
    entry = audit.history(author).last()
    assert (entry.action, entry.actor, entry.comment) == (
        "user_changed_in_admin",
        office_staff,
        "email, position",
    )


def test_membership_added_inline_on_the_person_page_is_audited(
    office_client, office_staff, cluster, author
):
    data = form_data(office_client, change_url(author))
    data |= {"memberships-0-body": str(cluster["wg-pharma"].pk), "memberships-0-role": Role.EXPERT}

    response = office_client.post(change_url(author), data)

    assert response.status_code == 302
    assert Membership.objects.filter(user=author, role=Role.EXPERT).count() == 1
    entry = audit.history(author).last()
    assert (entry.action, entry.actor, entry.comment) == (
        "membership_added_in_admin",
        office_staff,
        "Рабочая группа «Фармацевтика и биомедицина»: эксперт",
    )


def test_membership_changed_and_removed_in_admin_are_audited(office_client, office_staff, cluster):
    membership = MembershipFactory(
        body=cluster["wg-pharma"], role=Role.EXPERT, user=UserFactory(username="member")
    )
    url = reverse("admin:directory_membership_change", args=[membership.pk])
    data = form_data(office_client, url)

    office_client.post(url, {**data, "role": Role.DEPUTY_CHAIR})
    office_client.post(
        reverse("admin:directory_membership_delete", args=[membership.pk]), {"post": "yes"}
    )

    entries = list(audit.history(membership.user).values_list("action", "actor", "comment"))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert entries == [
        (
            "membership_changed_in_admin",
            office_staff.pk,
            "Рабочая группа «Фармацевтика и биомедицина»: эксперт → заместитель руководителя",
        ),
        (
            "membership_removed_in_admin",
            office_staff.pk,
            "Рабочая группа «Фармацевтика и биомедицина»: заместитель руководителя",
        ),
    ]


def test_membership_removed_on_the_body_page_is_audited(office_client, office_staff, other_chair):
    body = other_chair.memberships.get().body
    url = reverse("admin:directory_body_change", args=[body.pk])
    data = form_data(office_client, url)

    response = office_client.post(url, {**data, "memberships-0-DELETE": "on"})

    assert response.status_code == 302
    assert not other_chair.memberships.exists()
    entry = audit.history(other_chair).last()
    assert (entry.action, entry.actor, entry.comment) == (
        "membership_removed_in_admin",
        office_staff,
        "Рабочая группа «Экология и утилизация отходов»: руководитель",
    )


def test_a_bodys_decision_settings_changed_in_the_admin_are_audited(office_client, office_staff):
    body = Body.objects.get(code="council")
    url = reverse("admin:directory_body_change", args=[body.pk])
    data = form_data(office_client, url)

    office_client.post(url, {**data, "decision_rule": "two_thirds", "quorum": "4"})
    office_client.post(url, {**form_data(office_client, url), "name_en": "Council"})

    entries = list(audit.history(body).values_list("action", "actor", "comment"))
    assert entries == [
        (
            "decision_settings_changed_in_admin",
            office_staff.pk,
            "quorum: None → 4; decision_rule: votes_cast → two_thirds",
        )
    ]
