import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from directory.models import Membership, Organisation
from tests.factories import MembershipFactory, UserFactory


@pytest.mark.django_db
def test_directory_needs_login(client):
    response = client.get("/directory/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_directory_shows_groups_chairs_and_instruments(client, author, chair, cluster):
    client.force_login(author)

    html = client.get("/directory/").content.decode()

    assert "Рабочая группа «Фармацевтика и биомедицина»" in html
    assert "Рабочая группа «Интеллектуальные сервисы»" in html
    assert "Стратегии защиты прав интеллектуальной собственности" in html
    assert "Особые условия доступа к инфраструктуре" in html
    assert chair.get_full_name() in html


def directory_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/directory/").status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_directory_query_count_does_not_grow_with_members(client, author, cluster):
    client.force_login(author)
    MembershipFactory(body=cluster["wg-pharma"], role=Membership.Role.EXPERT)
    with_one = directory_queries(client)

    for body in cluster.values():
        for _ in range(3):
            MembershipFactory(body=body, role=Membership.Role.EXPERT)
    with_thirty_one = directory_queries(client)

    assert with_thirty_one == with_one


@pytest.mark.django_db
def test_directory_english_names_after_language_switch(client, author, cluster):
    client.force_login(author)
    client.cookies["django_language"] = "en"

    html = client.get("/directory/").content.decode()

    assert "Working group: Pharmaceuticals and biomedicine" in html
    assert "Cluster directory" in html


# --- Organisation confirmation -----------------------------------------------------------
@pytest.fixture
def proposer(proposed_organisation):
    user = UserFactory(username="proposer", organisation=proposed_organisation)
    assign_perm("directory.change_organisation", user, proposed_organisation)
    return user


@pytest.mark.django_db
def test_office_sees_organisations_awaiting_confirmation(client, office, proposer):
    client.force_login(office)

    html = client.get("/directory/organisations/review/").content.decode()

    assert "ООО «Новая»" in html
    assert proposer.email in html


@pytest.mark.parametrize("persona", ["author", "chair", "governance_member", "observer"])
@pytest.mark.django_db
def test_organisation_review_is_refused_to_others(client, request, persona, proposed_organisation):
    client.force_login(request.getfixturevalue(persona))

    listing = client.get("/directory/organisations/review/")
    confirm = client.post(f"/directory/organisations/{proposed_organisation.pk}/confirm/")

    assert (listing.status_code, confirm.status_code) == (403, 403)
    assert Organisation.objects.get(pk=proposed_organisation.pk).status == "proposed"


@pytest.mark.django_db
def test_office_confirms_organisation_and_proposer_is_told(
    client, office, proposer, django_capture_on_commit_callbacks
):
    client.force_login(office)
    organisation_id = proposer.organisation_id

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/directory/organisations/{organisation_id}/confirm/")

    organisation = Organisation.objects.get(pk=organisation_id)
    assert response.status_code == 302
    assert organisation.status == Organisation.Status.CONFIRMED
    assert organisation.decided_at is not None
    assert not proposer.__class__.objects.get(pk=proposer.pk).has_perm(
        "directory.change_organisation", organisation
    )
    assert [message.to for message in mail.outbox] == [[proposer.email]]
    assert "подтвердила" in mail.outbox[0].body


@pytest.mark.django_db
def test_confirming_a_decided_organisation_is_a_conflict(client, office, proposer):
    client.force_login(office)
    organisation_id = proposer.organisation_id
    client.post(f"/directory/organisations/{organisation_id}/reject/")
    mail.outbox.clear()

    response = client.post(f"/directory/organisations/{organisation_id}/confirm/")

    assert response.status_code == 409
    assert "изменился" in response.content.decode()
    assert Organisation.objects.get(pk=organisation_id).status == Organisation.Status.REJECTED
    assert mail.outbox == []


@pytest.mark.django_db
def test_confirming_a_missing_organisation_is_not_found(client, office):
    client.force_login(office)

    assert client.post("/directory/organisations/999999/confirm/").status_code == 404


@pytest.mark.django_db
def test_confirm_needs_post(client, office, proposed_organisation):
    client.force_login(office)

    response = client.get(f"/directory/organisations/{proposed_organisation.pk}/confirm/")

    assert response.status_code == 405
    assert Organisation.objects.get(pk=proposed_organisation.pk).status == "proposed"


@pytest.mark.django_db
def test_proposer_corrects_the_organisation_until_decided(client, proposer):
    client.force_login(proposer)
    url = f"/directory/organisations/{proposer.organisation_id}/edit/"
    data = {
        "name_ru": "ООО «Новая Клетка»",
        "name_en": "",
        "kind": "company",
        "inn": "",
        "city": "Москва",
        "website": "",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    assert Organisation.objects.get(pk=proposer.organisation_id).name_ru == "ООО «Новая Клетка»"


@pytest.mark.django_db
def test_organisation_edit_with_bad_inn_shows_error_and_changes_nothing(client, proposer):
    client.force_login(proposer)
    url = f"/directory/organisations/{proposer.organisation_id}/edit/"
    data = {"name_ru": "ООО «Другое имя»", "kind": "company", "inn": "7712345670", "city": "Москва"}

    response = client.post(url, data)

    assert response.status_code == 200
    assert "контрольные цифры" in response.content.decode()
    assert Organisation.objects.get(pk=proposer.organisation_id).name_ru == "ООО «Новая»"


@pytest.mark.django_db
def test_organisation_edit_refused_to_others_and_after_decision(
    client, proposer, office, other_author
):
    url = f"/directory/organisations/{proposer.organisation_id}/edit/"
    client.force_login(other_author)
    by_other = client.get(url).status_code
    client.force_login(office)
    client.post(f"/directory/organisations/{proposer.organisation_id}/confirm/")
    client.force_login(proposer)
    after_decision = client.get(url).status_code

    assert (by_other, after_decision) == (403, 403)
