import re

import pytest
from django.core import mail

from api import tokens
from api.models import ApiToken
from tests.conftest import PASSWORD
from workflow import audit


@pytest.mark.django_db
def test_login_and_logout(client, author):
    page = client.get("/accounts/login/")
    logged_in = client.post("/accounts/login/", {"username": "author", "password": PASSWORD})
    logged_out = client.post("/accounts/logout/")

    assert page.status_code == 200
    assert (logged_in.status_code, logged_in.url) == (302, "/")
    assert (logged_out.status_code, logged_out.url) == (302, "/accounts/login/")
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_login_wrong_password_says_so_in_russian(client, author):
    response = client.post("/accounts/login/", {"username": "author", "password": "wrong"})

    assert response.status_code == 200
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in (response.content.decode())


@pytest.mark.django_db
def test_login_with_invisible_characters_around_the_name_logs_in(client, author):
    logged_in = client.post(
        "/accounts/login/", {"username": "\u200bauthor\ufeff", "password": PASSWORD}
    )

    assert (logged_in.status_code, logged_in.url) == (302, "/")


@pytest.mark.django_db
def test_login_with_a_line_break_in_the_name_is_refused_as_such(client, author):
    response = client.post("/accounts/login/", {"username": "auth\nor", "password": PASSWORD})

    assert response.status_code == 200
    assert "Введите значение одной строкой" in response.content.decode()


@pytest.mark.django_db
def test_password_reset_for_an_address_with_invisible_characters_mails_its_owner(
    client, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": f"\u200b{author.email}\u2060"})

    assert [message.to for message in mail.outbox] == [[author.email]]


@pytest.mark.django_db
def test_password_change(client, author):
    client.force_login(author)

    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Novyi-parol-2015",
            "new_password2": "Novyi-parol-2015",
        },
    )

    author.refresh_from_db()
    assert response.status_code == 302
    assert author.check_password("Novyi-parol-2015")


@pytest.mark.django_db
def test_password_reset_mails_a_working_link(client, author, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": author.email})
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]

    form_page = client.get(path, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Sbroshennyi-2016", "new_password2": "Sbroshennyi-2016"},
    )

    author.refresh_from_db()
    assert mail.outbox[0].subject == "Дирекция программы МБК: новый пароль"
    assert done.status_code == 302
    assert author.check_password("Sbroshennyi-2016")


@pytest.mark.django_db
def test_password_reset_revokes_the_api_tokens(client, author, django_capture_on_commit_callbacks):
    tokens.token_issue(user=author, name="Скрипт")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": author.email})
    path = "/" + re.search(r"https?://\S+", mail.outbox[0].body).group(0).split("/", 3)[3]
    form_page = client.get(path, follow=True)

    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Sbroshennyi-2016", "new_password2": "Sbroshennyi-2016"},
    )

    assert ApiToken.objects.get().revoked_at is not None
    assert list(audit.history(author).values_list("action", flat=True)) == [
        "api_token_issued",
        "api_token_revoked",
        "password_reset",
    ]


@pytest.mark.parametrize(("keep", "revoked"), [("", True), ("on", False)])
@pytest.mark.django_db
def test_password_change_revokes_the_api_tokens_unless_kept(client, author, keep, revoked):
    tokens.token_issue(user=author, name="Скрипт")
    client.force_login(author)

    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Novyi-parol-2015",
            "new_password2": "Novyi-parol-2015",
            "keep_api_tokens": keep,
        },
    )

    assert response.status_code == 302
    assert (ApiToken.objects.get().revoked_at is not None) is revoked
    assert list(audit.history(author).values_list("action", flat=True))[-1] == "password_changed"


@pytest.mark.django_db
def test_password_change_page_offers_to_keep_the_tokens_unticked(client, author):
    client.force_login(author)

    form = client.get("/accounts/password/change/").context["form"]

    assert form.fields["keep_api_tokens"].initial in (None, False)
    assert "Сохранить мои токены API" in str(form["keep_api_tokens"].label)


@pytest.mark.django_db
def test_password_reset_mail_is_left_to_the_worker_after_the_request(
    client, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as scheduled:
        response = client.post("/accounts/password/reset/", {"email": author.email})

    assert response.status_code == 302
    assert mail.outbox == []  # nothing sent while the request ran
    assert len(scheduled) == 1


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_schedules_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as scheduled:
        response = client.post("/accounts/password/reset/", {"email": "nobody@example.ru"})

    assert response.status_code == 302
    assert scheduled == []


@pytest.mark.django_db
def test_profile_shows_organisation_groups_and_roles(client, chair):
    client.force_login(chair)

    html = client.get("/accounts/profile/").content.decode()

    assert chair.organisation.name_ru in html
    assert "Рабочая группа «Фармацевтика и биомедицина»" in html
    assert "руководитель" in html


@pytest.mark.parametrize(
    ("persona", "panel"),
    [
        ("author", "Мои заявки"),
        ("expert", "Заявки, назначенные мне"),
        ("chair", "Заявки моей рабочей группы"),
        ("secretary", "Заседания, которые я готовлю"),
        ("governance_member", "Ждут решения Координационного совета"),
        ("office", "Организации, ожидающие подтверждения"),
        ("observer", "Утверждённые документы"),
    ],
)
@pytest.mark.django_db
def test_home_page_shows_the_panels_of_each_role(client, request, persona, panel):
    client.force_login(request.getfixturevalue(persona))

    response = client.get("/")

    assert response.status_code == 200
    assert panel in response.content.decode()


@pytest.mark.django_db
def test_observer_home_has_no_author_or_decision_panels(client, observer):
    client.force_login(observer)

    html = client.get("/").content.decode()

    assert "Мои заявки" not in html
    assert "Ждут решения Координационного совета" not in html


@pytest.mark.django_db
def test_password_reset_mails_an_address_at_most_the_configured_times_an_hour(
    client, author, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR = 3

    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post("/accounts/password/reset/", {"email": author.email}) for _ in range(5)
        ]

    assert {(a.status_code, a.url) for a in answers} == {(302, "/accounts/password/reset/done/")}
    assert len(mail.outbox) == 3
