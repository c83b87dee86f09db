"""Joining an existing organisation: a person who names it at sign-up may draft, but submits
and is offered as a co-author only once the programme office or the organisation's contact
person confirms them (issue 14, "Anyone can claim any organisation")."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from accounts.models import User
from directory import services
from directory.models import Affiliation, Organisation
from documents import services as document_services
from documents.models import Proposal
from mbk.exceptions import ActionRefusedError
from tests.api.conftest import api_as
from tests.factories import CallFactory, UserFactory, draft_proposal
from workflow import audit

AWAITS = (
    "Ваша принадлежность к организации ООО «БиоПроект» ожидает подтверждения дирекцией "
    "программы или контактным лицом организации."
)
REFUSED = "Ваша принадлежность к организации ООО «БиоПроект» не подтверждена"
SIGN_UP = {
    "last_name": "Чужаков",
    "first_name": "Степан",
    "middle_name": "Ильич",
    "email": "chuzhakov@example.ru",
    "password1": "Trudnyi-parol-2014",
    "password2": "Trudnyi-parol-2014",
}


@pytest.fixture
def stranger(organisation):
    """Named the organisation at sign-up; nobody has confirmed that they work there."""
    return UserFactory(username="stranger", organisation=organisation, affiliated=False)


@pytest.fixture
def contact(organisation, author):
    Organisation.objects.filter(pk=organisation.pk).update(contact=author)
    return author


def decide(client, person, verb: str, organisation_id=None):
    organisation_id = organisation_id or person.organisation_id
    return client.post(
        f"/directory/memberships/{person.pk}/{verb}/", {"organisation": organisation_id}
    )


# --- What a person awaiting confirmation may do -----------------------------------------
@pytest.mark.django_db
def test_signing_up_with_an_existing_organisation_does_not_allow_submitting(
    client, organisation, cluster, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", {**SIGN_UP, "organisation": organisation.pk})
    person = User.objects.get(email="chuzhakov@example.ru")
    User.objects.filter(pk=person.pk).update(is_active=True, signup_pending=False)  # confirmed
    person.refresh_from_db()
    draft = draft_proposal(person)
    client.force_login(person)

    refused = client.post(f"/proposals/{draft.pk}/submit/", {"edition": draft.edition})

    assert refused.status_code == 409
    assert AWAITS in refused.content.decode()
    assert Proposal.objects.get(pk=draft.pk).state == Proposal.State.DRAFT


@pytest.mark.django_db
def test_submitting_through_the_api_awaiting_confirmation_is_a_conflict_with_the_reason(
    stranger, cluster
):
    draft = draft_proposal(stranger)

    response = api_as(stranger).post(
        f"/api/v1/proposals/{draft.pk}/transitions/submit/",
        {"edition": draft.edition},
        format="json",
    )

    assert response.status_code == 409
    assert AWAITS in response.json()["message"]
    assert Proposal.objects.get(pk=draft.pk).state == Proposal.State.DRAFT


@pytest.mark.django_db
def test_profile_and_home_say_the_membership_awaits_confirmation(client, stranger):
    client.force_login(stranger)

    profile = client.get("/accounts/profile/").content.decode()
    home = client.get("/").content.decode()

    assert AWAITS in profile
    assert AWAITS in home


@pytest.mark.django_db
def test_coauthor_picker_offers_only_confirmed_colleagues(
    client, author, coauthor, stranger, cluster
):
    draft = draft_proposal(author)
    client.force_login(author)

    html = client.get(f"/proposals/{draft.pk}/coauthors/").content.decode()

    assert f'value="{coauthor.pk}"' in html
    assert f'value="{stranger.pk}"' not in html


@pytest.mark.django_db
def test_an_unconfirmed_colleague_cannot_be_made_a_coauthor(author, stranger, cluster):
    draft = draft_proposal(author)

    with pytest.raises(ActionRefusedError) as refused:
        document_services.proposal_set_coauthors(
            proposal_id=draft.pk, by=author, coauthors=[stranger], seen_edition=draft.edition
        )

    assert str(refused.value) == (
        "Соавторами могут быть только подтверждённые сотрудники организации; "
        "не подтверждены: Иванов Иван Иванович."
    )
    assert list(Proposal.objects.get(pk=draft.pk).coauthors.all()) == []


# --- Deciding ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_office_confirms_a_person_who_then_submits_and_is_told(client, office, stranger, cluster):
    client.force_login(office)
    listed = client.get("/directory/memberships/").content.decode()

    response = decide(client, stranger, "confirm")

    affiliation = Affiliation.objects.get(user=stranger)
    entry = audit.history(affiliation).get()
    assert stranger.email in listed
    assert response.status_code == 302
    assert (affiliation.status, affiliation.decided_by) == ("confirmed", office)
    assert (entry.actor, entry.action, entry.to_state) == (
        office,
        "membership_confirmed",
        "confirmed",
    )
    assert stranger.notices.get().text == (
        "Ваша принадлежность к организации ООО «БиоПроект» подтверждена: вы можете подавать "
        "заявки от её имени."
    )
    draft = draft_proposal(User.objects.get(pk=stranger.pk))
    submitted = api_as(stranger).post(
        f"/api/v1/proposals/{draft.pk}/transitions/submit/",
        {"edition": draft.edition},
        format="json",
    )
    assert submitted.status_code == 200


@pytest.mark.django_db
def test_contact_person_decides_for_their_own_organisation_only(client, contact, stranger):
    elsewhere = UserFactory(username="elsewhere", affiliated=False)
    client.force_login(contact)

    listed = client.get("/directory/memberships/").content.decode()
    foreign = decide(client, elsewhere, "confirm")
    own = decide(client, stranger, "refuse")

    assert stranger.email in listed
    assert elsewhere.email not in listed
    assert (foreign.status_code, own.status_code) == (403, 302)
    assert not Affiliation.objects.filter(user=elsewhere).exists()
    assert Affiliation.objects.get(user=stranger).decided_by == contact


@pytest.mark.django_db
def test_a_refused_person_cannot_submit_nor_draft_and_is_told(client, office, stranger, cluster):
    draft = draft_proposal(stranger)
    client.force_login(office)
    decide(client, stranger, "refuse")
    client.force_login(stranger)

    refused = client.post(f"/proposals/{draft.pk}/submit/", {"edition": draft.edition})

    assert refused.status_code == 409
    assert REFUSED in refused.content.decode()
    assert REFUSED in stranger.notices.get().text
    assert Proposal.objects.get(pk=draft.pk).state == Proposal.State.DRAFT
    assert client.get(f"/calls/{CallFactory().pk}/proposals/new/").status_code == 403


@pytest.mark.django_db
def test_deciding_twice_is_a_conflict_and_keeps_the_first_decision(client, office, stranger):
    client.force_login(office)
    decide(client, stranger, "confirm")

    again = decide(client, stranger, "refuse")

    assert again.status_code == 409
    assert Affiliation.objects.get(user=stranger).status == "confirmed"


@pytest.mark.django_db
def test_a_decision_on_a_person_whose_organisation_changed_meanwhile_is_a_conflict(
    client, office, stranger
):
    shown_organisation = stranger.organisation_id
    User.objects.filter(pk=stranger.pk).update(
        organisation=Organisation.objects.create(name_ru="ООО «Другая»", status="confirmed")
    )
    client.force_login(office)

    response = decide(client, stranger, "confirm", organisation_id=shown_organisation)

    assert response.status_code == 409
    assert not Affiliation.objects.filter(user=stranger).exists()


@pytest.mark.parametrize("persona", ["author", "chair", "observer", "stranger"])
@pytest.mark.django_db
def test_membership_requests_are_refused_to_others(client, request, persona, stranger):
    client.force_login(request.getfixturevalue(persona))

    listing = client.get("/directory/memberships/")
    confirm = decide(client, stranger, "confirm")

    assert (listing.status_code, confirm.status_code) == (403, 403)
    assert not Affiliation.objects.filter(user=stranger).exists()


@pytest.mark.django_db
def test_the_contact_must_be_a_confirmed_member_and_naming_one_is_audited(
    office, organisation, author, stranger
):
    with pytest.raises(ActionRefusedError):
        services.organisation_set_contact(
            organisation_id=organisation.pk, by=office, contact=stranger
        )

    services.organisation_set_contact(organisation_id=organisation.pk, by=office, contact=author)

    entry = audit.history(organisation).get()
    assert Organisation.objects.get(pk=organisation.pk).contact == author
    assert (entry.actor, entry.action, entry.comment) == (office, "contact_set", "author")


# --- New organisations and people already there ------------------------------------------
@pytest.mark.django_db
def test_confirming_a_new_organisation_makes_its_proposer_a_member_and_is_audited(
    office, proposed_organisation
):
    proposer = UserFactory(organisation=proposed_organisation, affiliated=False)
    assign_perm("directory.change_organisation", proposer, proposed_organisation)

    services.organisation_confirm(organisation_id=proposed_organisation.pk, by=office)

    entry = audit.history(proposed_organisation).get()
    assert Affiliation.objects.get(user=proposer).status == "confirmed"
    assert (entry.actor, entry.action, entry.from_state, entry.to_state) == (
        office,
        "confirmed",
        "proposed",
        "confirmed",
    )


@pytest.mark.django_db
def test_rejecting_a_new_organisation_is_audited(office, proposed_organisation):
    services.organisation_reject(organisation_id=proposed_organisation.pk, by=office)

    entry = audit.history(proposed_organisation).get()
    assert (entry.actor, entry.action, entry.to_state) == (office, "rejected", "rejected")


@pytest.mark.django_db
def test_people_already_in_the_database_stay_members(stranger, outsider):
    migration = importlib.import_module(
        "directory.migrations.0004_organisation_contact_and_affiliations"
    )

    migration.existing_people_stay_members(django_apps, None)

    assert Affiliation.objects.get(user=stranger).status == "confirmed"
    assert not Affiliation.objects.filter(user=outsider).exists()


def review_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/directory/memberships/").status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_membership_requests_page_query_count_does_not_grow_with_rows(client, office, organisation):
    UserFactory(organisation=organisation, affiliated=False)
    client.force_login(office)
    with_one = review_queries(client)

    for _ in range(29):
        UserFactory(organisation=organisation, affiliated=False)
    with_thirty = review_queries(client)

    assert with_thirty == with_one


@pytest.mark.django_db
def test_office_names_the_contact_in_the_admin_only_among_confirmed_members(
    client, office, organisation, author, stranger
):
    User.objects.filter(pk=office.pk).update(is_staff=True, is_superuser=True)
    client.force_login(office)
    url = f"/admin/directory/organisation/{organisation.pk}/change/"
    form = {"name_ru": organisation.name_ru, "kind": "company", "city": "Москва"}

    refused = client.post(url, {**form, "contact": stranger.pk})
    named = client.post(url, {**form, "contact": author.pk})

    assert refused.status_code == 200
    assert "Контактным лицом может быть только подтверждённый сотрудник" in (
        refused.content.decode()
    )
    assert named.status_code == 302
    assert Organisation.objects.get(pk=organisation.pk).contact == author
    assert audit.history(organisation).get().action == "contact_set"


@pytest.mark.django_db
def test_a_confirmed_sign_up_asks_the_office_and_the_contact_to_decide(
    client, organisation, contact, office, cluster, django_capture_on_commit_callbacks
):
    from accounts.services import confirmation_link
    from workflow.models import Notice

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", {**SIGN_UP, "organisation": organisation.pk})
    person = User.objects.get(email="chuzhakov@example.ru")

    client.post(confirmation_link(person).removeprefix("http://127.0.0.1:8000"))

    asked = Notice.objects.filter(url="/directory/memberships/")
    assert sorted(asked.values_list("recipient__username", flat=True)) == ["author", "office"]
    assert "Чужаков" in asked.first().text
    assert "ООО «БиоПроект»" in asked.first().text
    assert not Notice.objects.filter(recipient=person, url="/directory/memberships/").exists()
