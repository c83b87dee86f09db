"""Every write of a proposal's content appends an audit entry, through the service that pages
and API share: content edits (page form and API PATCH), attachments added and removed,
co-authors added and removed, remarks answered; and a call opened."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from directory.models import Direction
from documents import services as document_services
from documents.content import content_hash, snapshot
from documents.models import Attachment, Call, Proposal
from documents.uploads import check_upload
from tests.api.conftest import api_as
from tests.factories import draft_proposal
from workflow import audit

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def draft(cluster, author):
    return draft_proposal(author, title="Биоаналоги антител")


def fresh(proposal: Proposal) -> Proposal:
    return Proposal.objects.get(pk=proposal.pk)


def last_entry(obj):
    return audit.history(obj).last()


@pytest.mark.django_db
def test_proposal_update_records_the_content_it_saved(draft):
    entry = last_entry(draft)

    assert (entry.action, entry.actor, entry.from_state, entry.to_state) == (
        "content_edited",
        draft.author,
        "draft",
        "draft",
    )
    assert entry.content_sha256 == content_hash(snapshot(fresh(draft)))
    assert entry.comment == str(fresh(draft).edition)


@pytest.mark.django_db
def test_api_patch_of_a_proposal_records_a_content_edit(draft, author):
    entries = audit.history(draft).count()

    response = api_as(author).patch(
        f"/api/v1/proposals/{draft.pk}/",
        {"edition": draft.edition, "title": "Новое название"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert audit.history(draft).count() == entries + 1
    assert last_entry(draft).action == "content_edited"
    assert last_entry(draft).content_sha256 == content_hash(snapshot(fresh(draft)))


@pytest.mark.django_db
def test_api_patch_refused_as_stale_records_nothing(draft, author):
    entries = audit.history(draft).count()

    response = api_as(author).patch(
        f"/api/v1/proposals/{draft.pk}/",
        {"edition": draft.edition - 1, "title": "Новое название"},
        format="json",
    )

    assert response.status_code == 409
    assert audit.history(draft).count() == entries


@pytest.mark.django_db
def test_attachment_add_and_remove_are_recorded(draft, author, media):
    upload = check_upload(SimpleUploadedFile("plan.pdf", PDF))

    attachment = document_services.attachment_add(proposal_id=draft.pk, by=author, upload=upload)
    added = last_entry(draft)
    document_services.attachment_remove(attachment_id=attachment.pk, by=author)
    removed = last_entry(draft)

    assert (added.action, added.comment, added.content_sha256) == (
        "attachment_added",
        "plan.pdf",
        upload.sha256,
    )
    assert (removed.action, removed.comment, removed.content_sha256) == (
        "attachment_removed",
        "plan.pdf",
        upload.sha256,
    )
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_coauthors_added_and_removed_are_recorded_one_entry_each(draft, author, coauthor):
    document_services.proposal_set_coauthors(proposal_id=draft.pk, by=author, coauthors=[coauthor])
    document_services.proposal_set_coauthors(proposal_id=draft.pk, by=author, coauthors=[])

    tail = list(audit.history(draft))[-2:]

    name = f"{coauthor.get_full_name()} (id {coauthor.pk})"
    assert [(e.action, e.comment, e.actor) for e in tail] == [
        ("coauthor_added", name, author),
        ("coauthor_removed", name, author),
    ]


@pytest.mark.django_db
def test_coauthors_saved_unchanged_record_nothing(draft, author, coauthor):
    document_services.proposal_set_coauthors(proposal_id=draft.pk, by=author, coauthors=[coauthor])
    entries = audit.history(draft).count()

    document_services.proposal_set_coauthors(proposal_id=draft.pk, by=author, coauthors=[coauthor])

    assert audit.history(draft).count() == entries


@pytest.mark.django_db
def test_edits_stay_out_of_the_timeline_of_decisions(draft):
    from documents.selectors import timeline

    history = timeline(fresh(draft), with_reviews=True)

    assert [item["entry"].action for item in history] == ["created"]


@pytest.mark.django_db
def test_call_open_is_recorded(cluster, office):
    call = document_services.call_open(
        by=office,
        title_ru="Отбор 2027",
        title_en="Call 2027",
        directions=list(Direction.objects.filter(code="pharma")),
        opens_on=datetime.date(2027, 1, 10),
        closes_on=datetime.date(2027, 3, 10),
        first_year=2027,
        last_year=2030,
    )

    entry = last_entry(Call.objects.get(pk=call.pk))
    assert (entry.action, entry.actor, entry.comment) == ("call_opened", office, "Отбор 2027")


# --- Writes outside proposals -------------------------------------------------------------
@pytest.mark.django_db
def test_section_text_saved_is_recorded_with_its_content_hash():
    from programme import assembly, services
    from tests.programme.world import new_programme, section
    from tests.workflow.states import make_people

    people = make_people()
    risks = section(new_programme(people), "risks")

    revision = services.section_write(
        section_id=risks.pk, by=people["office"], text="Риски.", rows=[], seen_edition=None
    )

    (entry,) = audit.history(revision)
    assert (entry.action, entry.actor, entry.to_state) == ("text_saved", people["office"], "draft")
    assert entry.content_sha256 == assembly.revision_content_hash(revision)


@pytest.mark.django_db
def test_programme_created_is_recorded():
    from programme.models import Programme
    from tests.programme.world import new_programme
    from tests.workflow.states import make_people

    programme = new_programme(make_people())

    assert [e.action for e in audit.history(Programme.objects.get(pk=programme.pk))] == [
        "programme_created"
    ]


@pytest.mark.django_db
def test_proposed_organisation_edited_by_its_proposer_is_recorded(cluster):
    from directory import services as directory_services
    from directory.models import Organisation
    from tests.factories import UserFactory

    organisation = Organisation.objects.create(name_ru="ООО «Новое»", kind="company")
    proposer = UserFactory(username="proposer", organisation=organisation)
    from guardian.shortcuts import assign_perm

    assign_perm("directory.change_organisation", proposer, organisation)

    directory_services.organisation_update(
        organisation_id=organisation.pk, by=proposer, changes={"city": "Москва"}
    )

    (entry,) = audit.history(organisation)
    assert (entry.action, entry.actor, entry.comment) == ("organisation_edited", proposer, "city")


@pytest.mark.django_db
def test_sign_up_is_recorded_without_what_the_requester_typed(cluster):
    from accounts import services as account_services
    from directory.models import Organisation

    person = account_services.author_sign_up(
        email="new@example.ru",
        password="Trudnyi-parol-2014",
        last_name="Спамов <a href=x>",
        first_name="Купите",
        proposed_organisation=account_services.ProposedOrganisation(
            name_ru="ООО «Реклама»", kind="company"
        ),
    )

    (entry,) = audit.history(person)
    (proposed,) = audit.history(Organisation.objects.get(name_ru="ООО «Реклама»"))
    assert (entry.action, entry.actor, entry.to_state, entry.comment) == (
        "signed_up",
        None,
        "pending",
        "",
    )
    assert (proposed.action, proposed.comment) == ("organisation_proposed", f"user id {person.pk}")
