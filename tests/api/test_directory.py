"""The directory's decisions in the API, as on its pages: organisations awaiting confirmation
(listed, confirmed, rejected by the programme office; corrected by their proposer) and people
awaiting confirmation as members of their organisation (confirmed or refused by the office or
the organisation's contact person)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from directory.models import Affiliation, Organisation
from tests.api.conftest import api_as
from tests.factories import OrganisationFactory, UserFactory
from workflow.models import AuditEntry, Notice

V1 = "/api/v1"


@pytest.fixture
def proposer(proposed_organisation):
    user = UserFactory(username="proposer", organisation=proposed_organisation)
    assign_perm("directory.change_organisation", user, proposed_organisation)
    return user


@pytest.fixture
def stranger(organisation):
    """Named the organisation at sign-up; nobody has confirmed that they work there."""
    return UserFactory(username="stranger", organisation=organisation, affiliated=False)


@pytest.fixture
def contact(organisation, author):
    Organisation.objects.filter(pk=organisation.pk).update(contact=author)
    return author


def status_of(organisation_id: int) -> str:
    return Organisation.objects.get(pk=organisation_id).status


# --- Organisations ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_office_lists_organisations_awaiting_confirmation(office, proposer):
    response = api_as(office).get(f"{V1}/organisations/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["name_ru"], r["status"], r["status_label"]) for r in rows] == [
        ("ООО «Новая»", "proposed", "ожидает подтверждения")
    ]
    assert [p["username"] for p in rows[0]["people"]] == ["proposer"]


@pytest.mark.django_db
def test_organisation_list_costs_the_same_for_one_and_thirty_rows(office, proposer):
    client = api_as(office)
    client.get(f"{V1}/organisations/")
    with CaptureQueriesContext(connection) as one:
        first = client.get(f"{V1}/organisations/")
    for n in range(29):
        organisation = OrganisationFactory(name_ru=f"ООО «Новая {n}»", status="proposed")
        UserFactory(username=f"proposer-{n}", organisation=organisation)
    with CaptureQueriesContext(connection) as thirty:
        second = client.get(f"{V1}/organisations/")

    assert (first.json()["count"], second.json()["count"]) == (1, 30)
    assert len(thirty) == len(one)


@pytest.mark.parametrize("persona", ["author", "chair", "governance_member", "observer"])
@pytest.mark.django_db
def test_organisation_list_and_decisions_are_refused_to_others(request, persona, proposer):
    client = api_as(request.getfixturevalue(persona))
    organisation_id = proposer.organisation_id

    answers = [
        client.get(f"{V1}/organisations/").status_code,
        client.post(f"{V1}/organisations/{organisation_id}/confirm/").status_code,
        client.post(f"{V1}/organisations/{organisation_id}/reject/").status_code,
        client.post(f"{V1}/organisations/999999/confirm/").status_code,  # before any lookup
    ]

    assert answers == [403, 403, 403, 403]
    assert status_of(organisation_id) == "proposed"


@pytest.mark.django_db
def test_office_confirms_an_organisation_and_its_people_become_members(
    office, proposer, django_capture_on_commit_callbacks
):
    organisation_id = proposer.organisation_id

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(office).post(f"{V1}/organisations/{organisation_id}/confirm/")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["status_label"]) == (
        "confirmed",
        "подтверждена",
    )
    assert status_of(organisation_id) == "confirmed"
    assert Affiliation.objects.get(user=proposer).status == "confirmed"
    assert not proposer.__class__.objects.get(pk=proposer.pk).has_perm(
        "directory.change_organisation", Organisation.objects.get(pk=organisation_id)
    )
    assert AuditEntry.objects.filter(object_id=organisation_id, action="confirmed").count() == 1


@pytest.mark.django_db
def test_office_rejects_an_organisation(office, proposer):
    organisation_id = proposer.organisation_id

    response = api_as(office).post(f"{V1}/organisations/{organisation_id}/reject/")

    assert response.status_code == 200
    assert status_of(organisation_id) == "rejected"
    assert AuditEntry.objects.filter(object_id=organisation_id, action="rejected").count() == 1


@pytest.mark.django_db
def test_deciding_a_decided_organisation_is_a_conflict_that_changes_nothing(office, proposer):
    client = api_as(office)
    organisation_id = proposer.organisation_id
    client.post(f"{V1}/organisations/{organisation_id}/reject/")

    response = client.post(f"{V1}/organisations/{organisation_id}/confirm/")

    assert response.status_code == 409
    assert response.json()["code"] == "wrong_state"
    assert status_of(organisation_id) == "rejected"


@pytest.mark.django_db
def test_deciding_a_missing_organisation_is_not_found(office):
    response = api_as(office).post(f"{V1}/organisations/999999/confirm/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_proposer_corrects_the_organisation_and_the_fields_not_sent_keep_their_values(proposer):
    organisation_id = proposer.organisation_id
    Organisation.objects.filter(pk=organisation_id).update(city="Зеленоград")

    response = api_as(proposer).patch(
        f"{V1}/organisations/{organisation_id}/", {"name_ru": "ООО «Новая Клетка»"}, format="json"
    )

    assert response.status_code == 200
    organisation = Organisation.objects.get(pk=organisation_id)
    assert (organisation.name_ru, organisation.city) == ("ООО «Новая Клетка»", "Зеленоград")
    assert response.json()["name_ru"] == "ООО «Новая Клетка»"
    edit = AuditEntry.objects.get(object_id=organisation_id, action="organisation_edited")
    assert edit.comment == "name_ru"


@pytest.mark.django_db
def test_organisation_correction_with_a_bad_inn_is_a_russian_field_error(proposer):
    organisation_id = proposer.organisation_id

    response = api_as(proposer).patch(
        f"{V1}/organisations/{organisation_id}/",
        {"name_ru": "ООО «Другое имя»", "inn": "7712345670"},
        format="json",
    )

    assert response.status_code == 400
    assert "контрольные цифры" in " ".join(response.json()["errors"]["inn"])
    assert Organisation.objects.get(pk=organisation_id).name_ru == "ООО «Новая»"


@pytest.mark.django_db
def test_organisation_correction_by_others_or_after_the_decision_is_not_found(
    proposer, office, other_author
):
    url = f"{V1}/organisations/{proposer.organisation_id}/"
    change = {"name_ru": "ООО «Захват»"}

    by_other = api_as(other_author).patch(url, change, format="json").status_code
    by_office = api_as(office).patch(url, change, format="json").status_code
    api_as(office).post(f"{url}confirm/")
    after_decision = api_as(proposer).patch(url, change, format="json").status_code

    assert (by_other, by_office, after_decision) == (404, 404, 404)
    assert Organisation.objects.get(pk=proposer.organisation_id).name_ru == "ООО «Новая»"


# --- People joining an organisation ----------------------------------------------------------
def decide(client, person, verb: str, organisation_id=None):
    organisation_id = organisation_id or person.organisation_id
    return client.post(
        f"{V1}/affiliations/{person.username}/{verb}/",
        {"organisation": organisation_id},
        format="json",
    )


@pytest.mark.django_db
def test_office_and_contact_list_the_people_awaiting_confirmation(office, contact, stranger):
    other = OrganisationFactory(name_ru="АО «Другая»")
    UserFactory(username="elsewhere", organisation=other, affiliated=False)

    by_office = api_as(office).get(f"{V1}/affiliations/").json()["results"]
    by_contact = api_as(contact).get(f"{V1}/affiliations/").json()["results"]

    assert sorted(r["person"]["username"] for r in by_office) == ["elsewhere", "stranger"]
    assert [(r["person"]["username"], r["organisation"]["id"]) for r in by_contact] == [
        ("stranger", stranger.organisation_id)
    ]


@pytest.mark.django_db
def test_affiliation_list_costs_the_same_for_one_and_thirty_rows(office, stranger):
    client = api_as(office)
    client.get(f"{V1}/affiliations/")
    with CaptureQueriesContext(connection) as one:
        first = client.get(f"{V1}/affiliations/")
    for n in range(29):
        UserFactory(username=f"newcomer-{n}", organisation=stranger.organisation, affiliated=False)
    with CaptureQueriesContext(connection) as thirty:
        second = client.get(f"{V1}/affiliations/")

    assert (first.json()["count"], second.json()["count"]) == (1, 30)
    assert len(thirty) == len(one)


@pytest.mark.django_db
def test_affiliations_are_refused_to_who_is_no_contact(author, chair, stranger):
    for person in (author, chair):
        client = api_as(person)

        answers = [
            client.get(f"{V1}/affiliations/").status_code,
            decide(client, stranger, "confirm").status_code,
            decide(client, stranger, "refuse").status_code,
        ]

        assert answers == [403, 403, 403]
    assert not Affiliation.objects.filter(user=stranger).exists()


@pytest.mark.django_db
def test_contact_confirms_a_colleague_who_is_told(contact, stranger):
    response = decide(api_as(contact), stranger, "confirm")

    assert response.status_code == 200
    assert (response.json()["person"]["username"], response.json()["status"]) == (
        "stranger",
        "confirmed",
    )
    assert Affiliation.objects.get(user=stranger).status == "confirmed"
    assert Notice.objects.filter(recipient=stranger).count() == 1


@pytest.mark.django_db
def test_office_refuses_a_person(office, stranger):
    response = decide(api_as(office), stranger, "refuse")

    assert response.status_code == 200
    assert Affiliation.objects.get(user=stranger).status == "refused"


@pytest.mark.django_db
def test_contact_of_another_organisation_may_not_decide(stranger, other_author):
    elsewhere = OrganisationFactory(name_ru="АО «Другая»", contact=other_author)
    other_author.organisation = elsewhere
    other_author.save()

    response = decide(api_as(other_author), stranger, "confirm")

    assert response.status_code == 403
    assert not Affiliation.objects.filter(user=stranger).exists()


@pytest.mark.django_db
def test_deciding_twice_is_a_conflict(office, contact, stranger):
    decide(api_as(contact), stranger, "confirm")

    response = decide(api_as(office), stranger, "refuse")

    assert response.status_code == 409
    assert response.json()["code"] == "refused"
    assert Affiliation.objects.get(user=stranger).status == "confirmed"


@pytest.mark.django_db
def test_deciding_on_an_organisation_the_person_no_longer_names_is_a_conflict(office, stranger):
    shown = stranger.organisation_id
    stranger.organisation = OrganisationFactory(name_ru="АО «Другая»")
    stranger.save()

    response = decide(api_as(office), stranger, "confirm", organisation_id=shown)

    assert response.status_code == 409
    assert response.json()["message"] == (
        "Организация этого человека изменилась после того, как вы открыли страницу. "
        "Обновите страницу."
    )
    assert not Affiliation.objects.filter(user=stranger).exists()


@pytest.mark.django_db
def test_deciding_without_the_organisation_is_a_russian_field_error(office, stranger):
    response = api_as(office).post(
        f"{V1}/affiliations/{stranger.username}/confirm/", {}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["organisation"] == ["Обязательное поле."]
    assert not Affiliation.objects.filter(user=stranger).exists()


@pytest.mark.django_db
def test_deciding_on_an_unknown_login_is_not_found(office):
    response = api_as(office).post(
        f"{V1}/affiliations/nobody/confirm/", {"organisation": 1}, format="json"
    )

    assert response.status_code == 404
