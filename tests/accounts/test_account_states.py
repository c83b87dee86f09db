"""A self sign-up awaiting its e-mail confirmation and a person deactivated by the office are
different states: only the first may confirm, and no link issued before a deactivation works."""

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import IntegrityError, transaction

from accounts import services
from accounts.models import User
from api import tokens
from api.models import ApiToken
from tests.conftest import PASSWORD
from workflow.models import AuditEntry

SIGN_UP = {
    "email": "petrov@bioproekt.ru",
    "password": "Trudnyi-parol-2014",
    "last_name": "Петров",
    "first_name": "Пётр",
}


def actions_on(person: User) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=person.pk
        )
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def path_of(message) -> str:
    return "/" + re.search(r"https?://\S+", message.body).group(0).split("/", 3)[3]


def unticked_in_the_admin(person: User) -> User:
    """What the admin's change form does when is_active is unticked: a plain save."""
    person = User.objects.get(pk=person.pk)
    person.is_active = False
    person.save()
    return person


@pytest.fixture
def pending(organisation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.author_sign_up(**SIGN_UP, organisation=organisation)


@pytest.mark.django_db
def test_resend_for_a_deactivated_person_sends_no_link(
    client, author, django_capture_on_commit_callbacks
):
    unticked_in_the_admin(author)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/resend/", {"email": author.email.upper()})

    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_link_made_for_a_deactivated_person_does_not_reactivate(client, author):
    deactivated = unticked_in_the_admin(author)

    response = client.post("/" + services.confirmation_link(deactivated).split("/", 3)[3])

    author.refresh_from_db()
    assert response.status_code == 400
    assert not author.is_active


@pytest.mark.django_db
def test_a_confirmation_link_issued_before_a_deactivation_is_dead(client, pending, office):
    path = path_of(mail.outbox[0])

    services.account_deactivate(user_id=pending.pk, by=office)
    response = client.post(path)

    pending.refresh_from_db()
    assert response.status_code == 400
    assert (pending.is_active, pending.signup_pending) == (False, False)


@pytest.mark.django_db
def test_a_confirmed_then_deactivated_person_cannot_confirm_again(client, pending):
    path = path_of(mail.outbox[0])
    assert client.post(path).status_code == 302
    unticked_in_the_admin(pending)

    response = client.post(path)

    pending.refresh_from_db()
    assert response.status_code == 400
    assert not pending.is_active


@pytest.mark.django_db
def test_a_person_once_active_never_counts_as_awaiting_confirmation(organisation):
    person = User.objects.create_user("office-made", "office-made@example.ru", PASSWORD)

    deactivated = unticked_in_the_admin(person)

    assert (deactivated.is_active, deactivated.signup_pending) == (False, False)
    assert deactivated.deactivated_at is not None


@pytest.mark.django_db
def test_an_active_person_awaiting_confirmation_is_refused_by_the_database(author):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=author.pk).update(signup_pending=True)


@pytest.mark.django_db
def test_a_person_created_inactive_in_the_admin_is_not_awaiting_confirmation(db):
    person = User(username="blocked", email="blocked@example.ru", is_active=False)

    person.save()

    assert person.signup_pending is False
    assert person.deactivated_at is not None


@pytest.mark.django_db
def test_a_reset_link_issued_before_a_deactivation_sets_no_password(
    client, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": author.email})
    path = path_of(mail.outbox[0])
    unticked_in_the_admin(author)

    page = client.get(path, follow=True)
    client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else path,
        {"new_password1": "Sbroshennyi-2016", "new_password2": "Sbroshennyi-2016"},
    )

    author.refresh_from_db()
    assert "Ссылка больше не действует" in page.content.decode()
    assert author.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_reset_link_issued_before_a_deactivation_stays_dead_after_reactivation(
    client, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": author.email})
    path = path_of(mail.outbox[0])
    person = unticked_in_the_admin(author)
    person.is_active = True
    person.save()

    page = client.get(path, follow=True)

    assert "Ссылка больше не действует" in page.content.decode()


@pytest.mark.django_db
def test_the_reset_form_answers_a_deactivated_address_like_any_other(
    client, author, django_capture_on_commit_callbacks
):
    unticked_in_the_admin(author)

    with django_capture_on_commit_callbacks(execute=True):
        for_deactivated = client.post("/accounts/password/reset/", {"email": author.email})
        for_nobody = client.post("/accounts/password/reset/", {"email": "nobody@example.ru"})

    assert (for_deactivated.status_code, for_deactivated.url) == (
        for_nobody.status_code,
        for_nobody.url,
    )
    assert mail.outbox == []


@pytest.mark.django_db
def test_deactivation_revokes_the_tokens_and_is_audited(author, office):
    issued = tokens.token_issue(user=author, name="Скрипт")

    services.account_deactivate(user_id=author.pk, by=office)

    author.refresh_from_db()
    assert not author.is_active
    assert ApiToken.objects.get().revoked_at is not None
    assert actions_on(author) == ["api_token_issued", "api_token_revoked", "deactivated"]
    entries = AuditEntry.objects.filter(object_id=author.pk).values_list("comment", flat=True)
    assert not any(issued.secret in comment for comment in entries)


@pytest.mark.django_db
def test_confirming_the_address_is_audited(client, pending):
    client.post(path_of(mail.outbox[0]))

    assert actions_on(pending) == ["signed_up", "email_confirmed"]


@pytest.mark.django_db
def test_unticking_active_in_the_admin_revokes_tokens_and_is_audited(admin_client, author):
    tokens.token_issue(user=author, name="Скрипт")
    page = admin_client.get(f"/admin/accounts/user/{author.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "groups", "user_permissions")
    }
    data.update(
        {
            "is_active": "",
            "date_joined_0": author.date_joined.strftime("%d.%m.%Y"),
            "date_joined_1": author.date_joined.strftime("%H:%M:%S"),
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("is_active")
    data["organisation"] = author.organisation_id

    response = admin_client.post(f"/admin/accounts/user/{author.pk}/change/", data)

    author.refresh_from_db()
    assert response.status_code == 302
    assert not author.is_active
    assert ApiToken.objects.get().revoked_at is not None
    assert actions_on(author)[-2:] == ["api_token_revoked", "deactivated"]


@pytest.mark.parametrize("password", [PASSWORD, "wrong-password"])
@pytest.mark.django_db
def test_a_deactivated_person_gets_the_generic_login_answer_for_any_password(
    client, author, password
):
    unticked_in_the_admin(author)

    response = client.post("/accounts/login/", {"username": "author", "password": password})

    assert response.status_code == 200
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in response.content.decode()


@pytest.mark.django_db
def test_the_migration_confirms_the_active_and_tells_pending_from_deactivated(organisation, expert):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0005_existing_people_states")
    waiting = User.objects.create(
        username="new@example.ru", email="new@example.ru", is_active=False
    )
    old = User.objects.create(username="old@example.ru", email="old@example.ru", is_active=False)
    User.objects.filter(pk=old.pk).update(date_joined=old.date_joined - timedelta(days=30))
    User.objects.filter(pk__in=[waiting.pk, old.pk, expert.pk]).update(deactivated_at=None)
    User.objects.filter(pk=expert.pk).update(is_active=False)

    migration.forwards(apps, None)

    states = {
        person.username: (person.signup_pending, person.deactivated_at is not None)
        for person in User.objects.filter(pk__in=[waiting.pk, old.pk, expert.pk])
    }
    assert states == {
        "new@example.ru": (True, False),
        "old@example.ru": (False, True),
        "expert": (False, True),
    }


@pytest.mark.django_db
def test_a_deactivation_ends_the_persons_open_sessions(client, author, office):
    client.force_login(author)

    services.account_deactivate(user_id=author.pk, by=office)
    response = client.get("/accounts/profile/")

    assert (response.status_code, response.url) == (302, "/accounts/login/?next=/accounts/profile/")
