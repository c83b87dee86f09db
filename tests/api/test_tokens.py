"""Personal tokens: issued on the profile page and by `manage.py issue_api_token`, stored only
as a hash, refused once revoked or when their person is deactivated."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from accounts.models import User
from accounts.signals import credentials_changed
from api import tokens
from api.models import ApiToken
from mbk.exceptions import ActionRefusedError
from workflow import audit


def _get(secret: str, path="/api/v1/directions/", **headers):
    return APIClient().get(path, HTTP_AUTHORIZATION=f"Bearer {secret}", **headers)


@pytest.mark.django_db
def test_an_issued_token_is_stored_as_its_hash_only(author):
    issued = tokens.token_issue(user=author, name="Скрипт отчёта")

    stored = ApiToken.objects.get()
    assert issued.secret.startswith("mbk_")
    assert len(issued.secret) > 40
    assert stored.key_sha256 == tokens.digest(issued.secret)
    assert issued.secret not in str(list(ApiToken.objects.values()))
    assert issued.secret.startswith(stored.prefix)


@pytest.mark.django_db
def test_a_token_authenticates_as_its_person_and_records_its_use(author, cluster):
    issued = tokens.token_issue(user=author, name="Скрипт")

    response = _get(issued.secret)

    assert response.status_code == 200
    assert {"pharma"} <= {row["code"] for row in response.json()["results"]}
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.django_db
def test_use_is_recorded_at_most_every_few_minutes(author, cluster):
    issued = tokens.token_issue(user=author, name="Скрипт")
    _get(issued.secret)
    first = ApiToken.objects.get().last_used_at

    _get(issued.secret)
    assert ApiToken.objects.get().last_used_at == first

    ApiToken.objects.update(last_used_at=first - timedelta(minutes=10))
    _get(issued.secret)
    assert ApiToken.objects.get().last_used_at > first - timedelta(minutes=1)


@pytest.mark.django_db
def test_a_revoked_token_is_refused(author, cluster):
    issued = tokens.token_issue(user=author, name="Скрипт")
    tokens.token_revoke(token_id=issued.token.pk, by=author)

    response = _get(issued.secret)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert "отозван" in response.json()["message"]


@pytest.mark.django_db
def test_changed_credentials_revoke_every_token_of_the_person(author, other_author):
    kept = tokens.token_issue(user=other_author, name="Чужой")
    for name in ("Скрипт", "Отчёт"):
        tokens.token_issue(user=author, name=name)

    credentials_changed.send(sender=User, user=author, by=author, reason="password_reset")

    assert not ApiToken.objects.filter(user=author, revoked_at=None).exists()
    assert ApiToken.objects.get(pk=kept.token.pk).revoked_at is None
    revoked = audit.history(author).filter(action="api_token_revoked")
    assert [entry.comment.endswith(": password_reset") for entry in revoked] == [True, True]


@pytest.mark.django_db
def test_the_token_of_a_deactivated_person_is_refused(author, cluster):
    issued = tokens.token_issue(user=author, name="Скрипт")
    author.is_active = False
    author.save()

    assert _get(issued.secret).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Bearer mbk_unknown", "Bearer " + "mbk_" + "x" * 500, "Token nope"],
)
def test_malformed_or_unknown_credentials_are_refused(header, cluster):
    response = APIClient().get("/api/v1/directions/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.django_db
def test_refusals_follow_accept_language(author, cluster):
    response = APIClient().get(
        "/api/v1/directions/",
        HTTP_AUTHORIZATION="Bearer mbk_unknown",
        HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9",
    )

    assert response.json()["message"].startswith("The token is unknown or revoked")
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_a_person_cannot_revoke_someone_elses_token(author, other_author):
    issued = tokens.token_issue(user=author, name="Скрипт")

    with pytest.raises(ApiToken.DoesNotExist):
        tokens.token_revoke(token_id=issued.token.pk, by=other_author)
    assert ApiToken.objects.get().revoked_at is None


@pytest.mark.django_db
def test_a_token_needs_a_name_and_active_tokens_are_limited(author):
    with pytest.raises(ActionRefusedError):
        tokens.token_issue(user=author, name="  ")
    for n in range(tokens.MAX_ACTIVE_TOKENS):
        tokens.token_issue(user=author, name=f"Скрипт {n}")

    with pytest.raises(ActionRefusedError):
        tokens.token_issue(user=author, name="Ещё один")
    assert ApiToken.objects.count() == tokens.MAX_ACTIVE_TOKENS


@pytest.mark.django_db
def test_the_profile_page_issues_shows_once_and_revokes(client, author, cluster):
    client.force_login(author)

    issued = client.post("/accounts/tokens/", {"name": "Отчёт в Excel"})
    secret = issued.context["issued"].secret
    profile = client.get("/accounts/profile/").content.decode()
    token = ApiToken.objects.get()

    assert issued.status_code == 201
    assert secret in issued.content.decode()
    assert "no-store" in issued["Cache-Control"]
    assert "Отчёт в Excel" in profile
    assert token.prefix in profile
    assert secret not in profile
    assert _get(secret).status_code == 200

    revoked = client.post(f"/accounts/tokens/{token.pk}/revoke/")

    assert revoked.status_code == 302
    assert _get(secret).status_code == 401


@pytest.mark.django_db
def test_the_profile_page_refuses_to_revoke_another_persons_token(client, author, other_author):
    issued = tokens.token_issue(user=author, name="Скрипт")
    client.force_login(other_author)

    response = client.post(f"/accounts/tokens/{issued.token.pk}/revoke/")

    assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


@pytest.mark.django_db
def test_the_command_issues_a_token(author, cluster):
    out = io.StringIO()
    call_command("issue_api_token", "author", "--name", "Выгрузка", stdout=out)
    secret = out.getvalue().strip()

    assert _get(secret).status_code == 200
    assert ApiToken.objects.get().name == "Выгрузка"


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_person():
    with pytest.raises(CommandError, match="nobody"):
        call_command("issue_api_token", "nobody")


@pytest.mark.django_db
def test_session_authentication_still_asks_for_the_csrf_token(author, cluster):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(author)

    assert client.get("/api/v1/directions/").status_code == 200
    refused = client.post("/api/v1/proposals/", {}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["message"]


@pytest.mark.django_db
def test_issuing_and_revoking_on_the_profile_page_are_audited_without_the_secret(client, author):
    client.force_login(author)

    secret = client.post("/accounts/tokens/", {"name": "Отчёт в Excel"}).context["issued"].secret
    client.post(f"/accounts/tokens/{ApiToken.objects.get().pk}/revoke/")

    entries = list(audit.history(author))
    assert [(e.action, e.actor) for e in entries] == [
        ("api_token_issued", author),
        ("api_token_revoked", author),
    ]
    assert all("Отчёт в Excel" in e.comment for e in entries)
    assert not any(secret in e.comment or secret[4:10] in e.comment for e in entries)


@pytest.mark.django_db
def test_the_command_records_an_issue_with_no_actor(author):
    call_command("issue_api_token", "author", "--name", "Выгрузка", stdout=io.StringIO())

    entry = audit.history(author).get()

    assert (entry.action, entry.actor, "manage.py issue_api_token" in entry.comment) == (
        "api_token_issued",
        None,
        True,
    )


@pytest.mark.django_db
def test_a_revoked_token_cannot_be_brought_back_in_the_admin(admin_client, author):
    issued = tokens.token_issue(user=author, name="Скрипт")
    tokens.token_revoke(token_id=issued.token.pk, by=author)
    url = f"/admin/api/apitoken/{issued.token.pk}/change/"

    response = admin_client.post(url, {"name": "Скрипт", "revoked_at_0": "", "revoked_at_1": ""})

    assert response.status_code == 403
    assert tokens.user_for(issued.secret) is None


@pytest.mark.django_db
def test_revoking_in_the_admin_goes_through_the_service_and_is_audited(admin_client, author):
    issued = tokens.token_issue(user=author, name="Скрипт")

    admin_client.post(
        "/admin/api/apitoken/",
        {"action": "revoke_owners_tokens", "_selected_action": [issued.token.pk]},
    )

    assert tokens.user_for(issued.secret) is None
    assert audit.history(author).last().action == "api_token_revoked"


@pytest.mark.django_db
def test_a_deactivation_nobody_revokes_the_tokens_of_is_refused_and_changes_nothing(author, office):
    from accounts import services as account_services

    tokens.token_issue(user=author, name="Скрипт")
    credentials_changed.disconnect(dispatch_uid="api.tokens.revoke_on_credentials")
    try:
        with pytest.raises(RuntimeError, match="api app"):
            account_services.account_deactivate(user_id=author.pk, by=office)
    finally:
        credentials_changed.connect(
            tokens.revoke_on_credentials_changed, dispatch_uid="api.tokens.revoke_on_credentials"
        )

    author.refresh_from_db()
    assert author.is_active
    assert ApiToken.objects.filter(user=author, revoked_at=None).exists()
    assert not audit.history(author).filter(action="deactivated").exists()
