import re

import pytest
from django.core import mail
from django.core.signing import TimestampSigner

from accounts.models import User
from directory import rules
from directory.models import Organisation

FORM = {
    "last_name": "Петров",
    "first_name": "Пётр",
    "middle_name": "Петрович",
    "email": "Petrov@BioProekt.ru",
    "position": "Директор по R&D",
    "phone": "+7 495 000-00-00",
    "password1": "Trudnyi-parol-2014",
    "password2": "Trudnyi-parol-2014",
}


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    """POST the sign-up form and run what the service schedules after commit."""

    def post(data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/accounts/signup/", data, **extra)

    return post


def page_text(response, email: str) -> str:
    """The page without the address typed and the per-response CSRF token."""
    html = response.content.decode().replace(email, "@")
    return re.sub(r"[A-Za-z0-9]{64}", "", html)


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


@pytest.mark.django_db
def test_signup_with_a_listed_organisation_sends_a_confirmation_link(sign_up, organisation):
    response = sign_up({**FORM, "organisation": organisation.pk}, HTTP_ACCEPT_LANGUAGE="en")

    user = User.objects.get(email="petrov@bioproekt.ru")
    assert response.status_code == 200
    assert "petrov@bioproekt.ru" in response.content.decode()
    assert (user.is_active, user.organisation, user.get_full_name()) == (
        False,
        organisation,
        "Петров Пётр Петрович",
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["petrov@bioproekt.ru"]
    assert mail.outbox[0].subject == "Дирекция программы МБК: подтвердите адрес электронной почты"
    assert "/accounts/signup/confirm/" in link_in(mail.outbox[0])


@pytest.mark.django_db
def test_confirmation_link_activates_the_account_and_login_works(client, sign_up, organisation):
    sign_up({**FORM, "organisation": organisation.pk})
    path = "/" + link_in(mail.outbox[0]).split("/", 3)[3]

    shown = client.get(path)
    confirmed = client.post(path)
    again = client.post(path)
    logged_in = client.post(
        "/accounts/login/", {"username": "petrov@bioproekt.ru", "password": FORM["password1"]}
    )

    assert shown.status_code == 200
    assert User.objects.get(email="petrov@bioproekt.ru").is_active
    assert (confirmed.status_code, confirmed.url) == (302, "/accounts/login/")
    assert again.status_code == 302
    assert (logged_in.status_code, logged_in.url) == (302, "/")


@pytest.mark.django_db
def test_signup_proposing_an_organisation_waits_for_the_programme_office(sign_up):
    data = {
        **FORM,
        "new_organisation_name": "ООО  «БиоНова»",
        "new_organisation_kind": "company",
        "new_organisation_inn": "7734567893",
    }

    sign_up(data)

    user = User.objects.get(email="petrov@bioproekt.ru")
    organisation = Organisation.objects.get(name_ru="ООО «БиоНова»")
    assert user.organisation == organisation
    assert organisation.status == Organisation.Status.PROPOSED
    user.is_active = True  # as after confirming the e-mail; inactive users hold no permission
    assert user.has_perm("directory.change_organisation", organisation)
    assert not rules.can_submit_proposals(user)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"organisation": ""}, "organisation", "Выберите вашу организацию"),
        (
            {"new_organisation_name": "ООО «Ещё»", "new_organisation_kind": "company"},
            "new_organisation_name",
            "не то и другое",
        ),
        (
            {
                "organisation": "",
                "new_organisation_name": "ООО «БиоПроект»",
                "new_organisation_kind": "company",
            },
            "new_organisation_name",
            "уже зарегистрирована",
        ),
        (
            {
                "organisation": "",
                "new_organisation_name": "ООО «Ещё»",
                "new_organisation_kind": "company",
                "new_organisation_inn": "7712345670",
            },
            "new_organisation_inn",
            "контрольные цифры",
        ),
        (
            {"organisation": "", "new_organisation_name": "ООО «Ещё»"},
            "new_organisation_kind",
            "какого вида",
        ),
        ({"password2": "Drugoi-parol-2014"}, "password2", "Пароли не совпадают"),
        ({"password1": "123", "password2": "123"}, "password1", "слишком короткий"),
        ({"email": "not-an-address"}, "email", "Введите правильный адрес"),
        ({"last_name": ""}, "last_name", "Обязательное поле"),
    ],
)
@pytest.mark.django_db
def test_signup_invalid_input_shows_field_error_and_creates_nothing(
    sign_up, organisation, changes, field, message
):
    data = {**FORM, "organisation": organisation.pk, **changes}
    organisations_before = Organisation.objects.count()

    response = sign_up(data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not User.objects.exists()
    assert Organisation.objects.count() == organisations_before
    assert mail.outbox == []


@pytest.mark.django_db
def test_signup_with_an_existing_address_answers_like_a_new_one_and_mails_its_owner(
    sign_up, organisation, author
):
    existing = sign_up({**FORM, "organisation": organisation.pk, "email": author.email.upper()})
    new = sign_up({**FORM, "organisation": organisation.pk, "email": "new@example.ru"})

    assert (existing.status_code, new.status_code) == (200, 200)
    assert existing.templates[0].name == new.templates[0].name == "accounts/signup_done.html"
    assert page_text(existing, author.email) == page_text(new, "new@example.ru")
    assert User.objects.filter(email__iexact=author.email).count() == 1
    assert [m.to for m in mail.outbox] == [[author.email], ["new@example.ru"]]
    assert "уже есть учётная запись" in mail.outbox[0].body
    assert "/accounts/password/reset/" in mail.outbox[0].body
    assert "/accounts/signup/confirm/" not in mail.outbox[0].body


@pytest.mark.django_db
def test_signup_with_an_existing_address_creates_no_organisation(sign_up, author):
    data = {
        **FORM,
        "email": author.email,
        "new_organisation_name": "ООО «Подставная»",
        "new_organisation_kind": "company",
    }

    sign_up(data)

    assert not Organisation.objects.filter(name_ru="ООО «Подставная»").exists()


@pytest.mark.django_db
def test_confirmation_mail_carries_no_text_typed_by_the_requester(sign_up, organisation):
    data = {
        **FORM,
        "organisation": organisation.pk,
        "last_name": "Выигрыш",
        "first_name": "Заберите приз на http://spam.example",
        "middle_name": "Срочно",
    }

    sign_up(data)

    body = mail.outbox[0].body
    assert body.startswith("Здравствуйте!")
    assert not any(word in body for word in ("Выигрыш", "spam.example", "Срочно", "приз"))


@pytest.mark.django_db
def test_resend_mails_an_address_at_most_the_configured_times_an_hour(
    client, sign_up, organisation, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR = 3
    sign_up({**FORM, "organisation": organisation.pk})

    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post(
                "/accounts/signup/resend/", {"email": FORM["email"]}, REMOTE_ADDR=f"10.0.0.{n}"
            )
            for n in range(5)
        ]

    assert [a.status_code for a in answers] == [302] * 5
    assert len(mail.outbox) == 3  # the sign-up's letter and two new links


@pytest.mark.django_db
def test_signup_and_resend_are_refused_past_the_limit_per_client(
    client, sign_up, organisation, settings
):
    settings.SIGNUP_REQUESTS_PER_CLIENT_PER_HOUR = 3
    for n in range(2):
        sign_up({**FORM, "organisation": organisation.pk, "email": f"p{n}@example.ru"})
    client.post("/accounts/signup/resend/", {"email": "p0@example.ru"})
    mail.outbox.clear()

    refused_signup = sign_up({**FORM, "organisation": organisation.pk, "email": "p9@example.ru"})
    refused_resend = client.post("/accounts/signup/resend/", {"email": "p0@example.ru"})
    elsewhere = sign_up(
        {**FORM, "organisation": organisation.pk, "email": "p8@example.ru"},
        REMOTE_ADDR="192.0.2.7",
    )

    assert (refused_signup.status_code, refused_resend.status_code) == (429, 429)
    assert "Слишком много запросов" in refused_signup.content.decode()
    assert not User.objects.filter(email="p9@example.ru").exists()
    assert elsewhere.status_code == 200
    assert [m.to for m in mail.outbox] == [["p8@example.ru"]]


@pytest.mark.django_db
def test_expired_or_tampered_link_is_refused_with_a_clear_message(
    client, sign_up, organisation, settings
):
    sign_up({**FORM, "organisation": organisation.pk})
    path = "/" + link_in(mail.outbox[0]).split("/", 3)[3]
    settings.SIGNUP_CONFIRMATION_MAX_AGE = -1

    expired = client.post(path)
    tampered = client.post(path[:-3] + "abc/")

    assert expired.status_code == 400
    assert "Срок действия этой ссылки истёк" in expired.content.decode()
    assert tampered.status_code == 400
    assert "Ссылка для подтверждения недействительна" in tampered.content.decode()
    assert not User.objects.get(email="petrov@bioproekt.ru").is_active


@pytest.mark.django_db
def test_link_signed_for_another_purpose_is_refused(client, author):
    token = TimestampSigner(salt="something-else").sign_object(
        {"user": author.pk, "email": author.email}
    )

    response = client.post(f"/accounts/signup/confirm/{token}/")

    assert response.status_code == 400


@pytest.mark.django_db
def test_resend_sends_only_to_unconfirmed_accounts_and_says_the_same(
    client, sign_up, organisation, author, django_capture_on_commit_callbacks
):
    sign_up({**FORM, "organisation": organisation.pk})
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        for_unconfirmed = client.post(
            "/accounts/signup/resend/", {"email": FORM["email"]}, follow=True
        )
    for_active = client.post("/accounts/signup/resend/", {"email": author.email}, follow=True)
    for_nobody = client.post(
        "/accounts/signup/resend/", {"email": "nobody@example.ru"}, follow=True
    )

    assert [message.to for message in mail.outbox] == [["petrov@bioproekt.ru"]]
    texts = [
        next(iter(r.context["messages"])).message for r in (for_unconfirmed, for_active, for_nobody)
    ]
    assert len(set(texts)) == 1
