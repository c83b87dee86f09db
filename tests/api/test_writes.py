"""The API's write paths (api/views.py): creating and editing drafts, running transitions of
proposals, sections and programme versions, attachments and PDF documents. Every write goes
through the service the pages call; every refused write leaves the object as it was."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from directory.models import Direction, Membership
from documents import transitions
from documents.models import Attachment, Proposal, RenderJob
from programme import services as programme_services
from programme.models import ProgrammeVersion, SectionRevision
from tests.factories import CallFactory, MembershipFactory, draft_proposal
from tests.programme.world import new_programme, ready_programme, section
from tests.workflow.states import SCORES, make_people, proposal_in, with_reviewers

State = Proposal.State
PROPOSALS = "/api/v1/proposals/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MB = 1024 * 1024
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture(autouse=True)
def _directory(cluster):
    """Every test reads the cluster's directions, bodies and instruments."""


@pytest.fixture
def people(cluster, author, chair, expert, office, secretary):
    """conftest's personas and the two more experts of wg-pharma that proposal_in() needs."""
    return with_reviewers(
        cluster, author=author, chair=chair, expert=expert, office=office, secretary=secretary
    )


@pytest.fixture
def roles(db):
    """Every role of DESIGN.md (tests/workflow/states.make_people), for the programme."""
    return make_people()


@pytest.fixture
def draft(author):
    return draft_proposal(author, title="Биоаналоги антител")


@pytest.fixture
def revised(people):
    """Sent back for revision: editable by its authors and visible to the group's chair."""
    return proposal_in(State.REVISION_REQUESTED, people)


def fresh(proposal: Proposal) -> Proposal:
    return Proposal.objects.get(pk=proposal.pk)


def budget(proposal: Proposal) -> list[tuple]:
    return list(proposal.budget_lines.order_by("year", "source").values_list("year", "source"))


def url_of(proposal: Proposal, tail: str = "") -> str:
    return f"{PROPOSALS}{proposal.pk}/{tail}"


# --- Creating a draft ----------------------------------------------------------------------
def test_proposal_create_makes_a_draft_for_an_author(api, author):
    call = CallFactory()

    response = api(author).post(
        PROPOSALS, {"call": call.pk, "direction": "pharma", "title": "  Вакцины  "}, format="json"
    )

    created = Proposal.objects.get()
    assert response.status_code == 201
    assert response.json()["id"] == created.pk
    assert response.json()["state"] == "draft"
    assert response.json()["group"] == "wg-pharma"
    assert response.json()["draft"]["title"] == "Вакцины"
    assert (created.author, created.organisation, created.title) == (
        author,
        author.organisation,
        "Вакцины",
    )


@pytest.mark.parametrize("person", ["observer", "outsider"])
def test_proposal_create_is_forbidden_to_people_who_do_not_draft(request, api, person):
    call = CallFactory()

    response = api(request.getfixturevalue(person)).post(
        PROPOSALS, {"call": call.pk, "direction": "pharma", "title": "Вакцины"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"direction": "pharma"}, "title"),
        ({"direction": "no-such-direction", "title": "Вакцины"}, "direction"),
        ({"title": "Вакцины"}, "direction"),
    ],
)
def test_proposal_create_with_invalid_input_is_invalid(api, author, body, field):
    call = CallFactory()

    response = api(author).post(PROPOSALS, {"call": call.pk, **body}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == [field]
    assert Proposal.objects.count() == 0


def test_proposal_create_in_a_direction_the_call_does_not_cover_is_refused(api, author):
    call = CallFactory(directions=[Direction.objects.get(code="pharma")])

    response = api(author).post(
        PROPOSALS, {"call": call.pk, "direction": "ecology", "title": "Очистка"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "refused"
    assert response.json()["message"] == "Этот приём заявок не охватывает выбранное направление."
    assert Proposal.objects.count() == 0


# --- Editing a draft -----------------------------------------------------------------------
def test_proposal_patch_saves_the_changes_and_keeps_the_rest(api, author, draft):
    lines = [{"year": 2028, "source": "private", "amount": "500000.00"}]

    response = api(author).patch(
        url_of(draft),
        {"edition": draft.edition, "title": "Новое название", "budget_lines": lines},
        format="json",
    )

    saved = fresh(draft)
    assert response.status_code == 200, response.json()
    assert response.json()["draft"]["budget_lines"] == lines
    assert saved.title == "Новое название"
    assert saved.edition == draft.edition + 1
    assert budget(saved) == [(2028, "private")]
    assert saved.summary == draft.summary
    assert saved.milestones.count() == 2
    assert saved.indicators.count() == 1


def test_proposal_patch_with_a_stale_revision_changes_nothing(api, author, draft):
    response = api(author).patch(
        url_of(draft), {"edition": draft.edition - 1, "title": "Чужая правка"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert (fresh(draft).title, fresh(draft).edition) == (draft.title, draft.edition)


def test_proposal_patch_without_a_revision_is_invalid(api, author, draft):
    response = api(author).patch(url_of(draft), {"title": "Без ревизии"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["edition"]
    assert (fresh(draft).title, fresh(draft).edition) == (draft.title, draft.edition)


@pytest.mark.parametrize(
    ("lines", "key"),
    [
        pytest.param(
            [
                {"year": 2027, "source": "own", "amount": "100.00"},
                {"year": 2028, "source": "own", "amount": "abc"},
            ],
            "budget_lines[1].amount",
            id="not-a-number",
        ),
        pytest.param(
            [
                {"year": 2027, "source": "own", "amount": "100.00"},
                {"year": 2028, "source": "own", "amount": "0"},
            ],
            "budget_lines[1].amount",
            id="zero",
        ),
        pytest.param(
            [{"year": 2035, "source": "own", "amount": "100.00"}],
            "budget_lines[0].year",
            id="year-outside-the-call",
        ),
        pytest.param(
            [
                {"year": 2027, "source": "own", "amount": "100.00"},
                {"year": 2027, "source": "own", "amount": "200.00"},
            ],
            "budget_lines",
            id="same-year-and-source-twice",
        ),
    ],
)
def test_proposal_patch_with_invalid_rows_names_them(api, author, draft, lines, key):
    response = api(author).patch(
        url_of(draft), {"edition": draft.edition, "budget_lines": lines}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == [key]
    assert budget(fresh(draft)) == budget(draft)
    assert fresh(draft).edition == draft.edition


def test_proposal_patch_with_a_target_outside_the_calls_years_is_invalid(api, author, draft):
    indicator = {"name": "Выручка", "unit": "млн руб.", "baseline": "0", "targets": {"2031": "5"}}

    response = api(author).patch(
        url_of(draft), {"edition": draft.edition, "indicators": [indicator]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "indicators[0].targets.2031": ["Годы конкурсного отбора: 2027–2029."]
    }
    assert fresh(draft).indicators.get().targets == draft.indicators.get().targets


def test_proposal_patch_with_an_unknown_direction_is_invalid(api, author, draft):
    response = api(author).patch(
        url_of(draft), {"edition": draft.edition, "direction": "nowhere"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["direction"]
    assert fresh(draft).direction.code == "pharma"


def test_proposal_patch_by_the_chair_is_forbidden(api, chair, revised):
    response = api(chair).patch(
        url_of(revised),
        {"edition": revised.edition, "title": "Правка председателя"},
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert (fresh(revised).title, fresh(revised).edition) == (revised.title, revised.edition)


def test_proposal_patch_of_a_submitted_proposal_is_in_the_wrong_state(api, author, draft):
    sent = transitions.proposal_submit(proposal_id=draft.pk, by=author)

    response = api(author).patch(
        url_of(sent), {"edition": sent.edition, "title": "После подачи"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "wrong_state"
    assert (fresh(sent).title, fresh(sent).edition) == (sent.title, sent.edition)


def test_proposal_patch_of_an_invisible_draft_is_not_found(api, other_author, draft):
    response = api(other_author).patch(
        url_of(draft), {"edition": draft.edition, "title": "Чужое"}, format="json"
    )

    assert response.status_code == 404
    assert fresh(draft).title == draft.title


def test_proposal_put_is_not_allowed(api, author, draft):
    response = api(author).put(
        url_of(draft), {"edition": draft.edition, "title": "Целиком"}, format="json"
    )

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert fresh(draft).title == draft.title


# --- Transitions of a proposal -------------------------------------------------------------
def test_proposal_transitions_list_what_the_caller_may_run(api, author, draft):
    response = api(author).get(url_of(draft, "transitions/"))

    body = response.json()
    assert response.status_code == 200
    assert body["state"] == "draft"
    assert body["seen"] == {"edition": draft.edition, "version": 0}
    assert [t["name"] for t in body["transitions"]] == ["submit", "withdraw"]
    assert body["transitions"][0]["fields"] == ["edition"]
    assert body["transitions"][0]["url"] == url_of(draft, "transitions/submit/")
    assert body["transitions"][1]["fields"] == ["edition", "comment"]


def test_proposal_transitions_of_an_expert_take_the_version(api, expert, people):
    in_review = proposal_in(State.WG_REVIEW, people)

    body = api(expert).get(url_of(in_review, "transitions/")).json()

    review = next(t for t in body["transitions"] if t["name"] == "review")
    assert body["seen"] == {"edition": in_review.edition, "version": 1}
    assert review["fields"] == ["version", "scores", "recommendation", "comments"]


def test_proposal_transition_with_an_unknown_name_is_not_found(api, author, draft):
    response = api(author).post(
        url_of(draft, "transitions/publish/"), {"edition": draft.edition}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert fresh(draft).state == State.DRAFT


def test_proposal_transition_without_a_revision_is_invalid(api, author, draft):
    response = api(author).post(url_of(draft, "transitions/submit/"), {}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["edition"]
    assert (fresh(draft).state, fresh(draft).edition) == (State.DRAFT, draft.edition)


def test_proposal_transition_with_a_stale_revision_changes_nothing(api, author, draft):
    response = api(author).post(
        url_of(draft, "transitions/submit/"), {"edition": draft.edition + 1}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert (fresh(draft).state, fresh(draft).versions.count()) == (State.DRAFT, 0)


def test_proposal_transition_the_caller_may_not_run_is_forbidden(api, chair, revised):
    response = api(chair).post(
        url_of(revised, "transitions/submit/"), {"edition": revised.edition}, format="json"
    )

    assert response.status_code == 403
    assert (fresh(revised).state, fresh(revised).edition) == (revised.state, revised.edition)


def test_proposal_transition_of_an_incomplete_draft_is_refused_with_the_problems(api, author):
    call = CallFactory()
    created = api(author).post(
        PROPOSALS, {"call": call.pk, "direction": "pharma", "title": "Пустая"}, format="json"
    )
    proposal = Proposal.objects.get(pk=created.json()["id"])

    response = api(author).post(
        url_of(proposal, "transitions/submit/"), {"edition": proposal.edition}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "refused"
    assert response.json()["problems"] != []
    assert fresh(proposal).state == State.DRAFT


def run(client, proposal: Proposal, name: str, **body):
    """Run a transition with what GET …/transitions/ says was seen, as a script would."""
    listed = client.get(url_of(proposal, "transitions/")).json()
    transition = next(t for t in listed["transitions"] if t["name"] == name)
    seen = transition["fields"][0]
    response = client.post(transition["url"], {seen: listed["seen"][seen], **body}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def test_proposal_happy_path_over_the_api(api, author, chair, expert, office, secretary, cluster):
    second = MembershipFactory(
        body=cluster["wg-pharma"], role=Membership.Role.EXPERT, user__username="expert2"
    ).user
    proposal = draft_proposal(author)
    review = {"scores": SCORES, "recommendation": "approve", "comments": "Поддерживаю."}

    states = [
        run(api(author), proposal, "submit")["state"],
        run(api(chair), proposal, "assign_experts", experts=["expert", "expert2"])["state"],
        run(api(expert), proposal, "review", **review)["state"],
        run(api(second), proposal, "review", **review)["state"],
        run(api(chair), proposal, "approve_in_group", comment="Одобрено")["state"],
        run(api(office), proposal, "send_to_governance")["state"],
        run(api(secretary), proposal, "governance_approve", reference="№ 4 от 15.12.2026")["state"],
    ]

    final = api(author).get(url_of(proposal)).json()
    assert states == [
        "submitted",
        "wg_review",
        "wg_review",
        "wg_review",
        "wg_approved",
        "governance_review",
        "approved",
    ]
    assert final["state"] == "approved"
    assert final["decision_reference"] == "№ 4 от 15.12.2026"
    assert fresh(proposal).reviews.count() == 2


def test_proposal_review_of_an_older_version_is_stale(api, expert, people):
    in_review = proposal_in(State.WG_REVIEW, people)
    body = {"version": 2, "scores": SCORES, "recommendation": "approve", "comments": "Да"}

    response = api(expert).post(url_of(in_review, "transitions/review/"), body, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert in_review.reviews.filter(expert=expert).count() == 0


def test_proposal_assign_experts_with_an_unknown_login_is_invalid(api, chair, author, draft):
    sent = transitions.proposal_submit(proposal_id=draft.pk, by=author)

    response = api(chair).post(
        url_of(sent, "transitions/assign_experts/"),
        {"edition": sent.edition, "experts": ["nobody"]},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["experts"]
    assert (fresh(sent).state, fresh(sent).assignments.count()) == (State.SUBMITTED, 0)


def test_proposal_approval_without_enough_reviews_is_refused(api, chair, author, expert, draft):
    sent = transitions.proposal_submit(proposal_id=draft.pk, by=author)
    transitions.proposal_assign_experts(proposal_id=sent.pk, by=chair, experts=[expert])
    in_review = fresh(sent)

    response = api(chair).post(
        url_of(in_review, "transitions/approve_in_group/"),
        {"edition": in_review.edition},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "refused"
    assert (fresh(in_review).state, fresh(in_review).edition) == (
        State.WG_REVIEW,
        in_review.edition,
    )


# --- Attachments ---------------------------------------------------------------------------
def upload(client, proposal, data: bytes, name: str = "plan.pdf", **extra):
    return client.post(
        url_of(proposal, "attachments/"),
        {"file": SimpleUploadedFile(name, data), **extra},
        format="multipart",
    )


def test_attachment_upload_list_and_download(api, author, draft, media):
    client = api(author)

    response = upload(client, draft, PDF, edition=draft.edition)
    listed = client.get(url_of(draft, "attachments/"))
    download = client.get(response.json()["download"])

    attachment = Attachment.objects.get()
    assert response.status_code == 201, response.json()
    assert response.json()["original_name"] == "plan.pdf"
    assert response.json()["content_type"] == "application/pdf"
    assert response.json()["size"] == len(PDF)
    assert [row["id"] for row in listed.json()] == [attachment.pk]
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="plan.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_attachment_upload_of_a_renamed_html_file_is_invalid(api, author, draft, media):
    response = upload(api(author), draft, HTML, name="report.pdf")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["file"]
    assert Attachment.objects.count() == 0


def test_attachment_upload_over_the_limit_is_invalid(api, author, draft, media, settings):
    settings.ATTACHMENT_MAX_BYTES = MB

    response = upload(api(author), draft, PDF + b"%" * MB)

    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["Файл больше 1 МБ."]}
    assert Attachment.objects.count() == 0


def test_attachment_upload_by_the_chair_is_forbidden(api, chair, revised, media):
    response = upload(api(chair), revised, PDF)

    assert response.status_code == 403
    assert Attachment.objects.count() == 0
    assert fresh(revised).edition == revised.edition


def test_attachment_upload_with_a_stale_revision_is_refused(api, author, draft, media):
    response = upload(api(author), draft, PDF, edition=draft.edition - 1)

    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert Attachment.objects.count() == 0


def test_attachment_delete_by_the_author(api, author, draft, media):
    client = api(author)
    created = upload(client, draft, PDF).json()

    response = client.delete(created["download"])

    assert response.status_code == 204
    assert Attachment.objects.count() == 0


def test_attachment_delete_of_a_submitted_proposal_is_in_the_wrong_state(api, author, draft, media):
    client = api(author)
    created = upload(client, draft, PDF).json()
    transitions.proposal_submit(proposal_id=draft.pk, by=author)

    response = client.delete(created["download"])

    assert response.status_code == 409
    assert response.json()["code"] == "wrong_state"
    assert Attachment.objects.count() == 1


# --- Sections and programme versions -------------------------------------------------------
@pytest.fixture
def risks(roles):
    """The programme office's section «risks», with a first text written."""
    item = section(new_programme(roles), "risks")
    programme_services.section_write(
        section_id=item.pk, by=roles["office"], text="Риски: рыночные.", rows=[], seen_edition=None
    )
    return item


def latest(item) -> SectionRevision:
    return item.revisions.order_by("-number").first()


def test_section_transitions_list_and_submit(api, roles, risks):
    client = api(roles["office"])
    listed = client.get(f"/api/v1/sections/{risks.pk}/transitions/").json()

    response = client.post(
        f"/api/v1/sections/{risks.pk}/transitions/submit/",
        {"edition": listed["seen"]["edition"]},
        format="json",
    )

    assert "submit" in [t["name"] for t in listed["transitions"]]
    assert response.status_code == 200, response.json()
    assert response.json()["current"]["state"] == SectionRevision.State.WG_REVIEW
    assert latest(risks).state == SectionRevision.State.WG_REVIEW


def test_section_transition_with_a_stale_edition_changes_nothing(api, roles, risks):
    before = latest(risks)

    response = api(roles["office"]).post(
        f"/api/v1/sections/{risks.pk}/transitions/submit/",
        {"edition": before.edition - 1},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert (latest(risks).state, latest(risks).edition) == (before.state, before.edition)


def test_section_transition_by_a_governance_member_is_not_allowed(api, roles, risks):
    before = latest(risks)

    response = api(roles["governance_member"]).post(
        f"/api/v1/sections/{risks.pk}/transitions/submit/",
        {"edition": before.edition},
        format="json",
    )

    assert response.status_code == 403
    assert (latest(risks).state, latest(risks).edition) == (before.state, before.edition)


def versions_url(version, tail: str = "") -> str:
    return f"/api/v1/programme-versions/{version.pk}/{tail}"


def test_programme_version_is_sent_to_the_governance_body(api, roles):
    programme = ready_programme(roles, projects=1)
    version = programme_services.version_create(programme_id=programme.pk, by=roles["office"])

    response = api(roles["office"]).post(
        versions_url(version, "transitions/send_to_governance/"),
        {"edition": version.edition, "comment": "На утверждение"},
        format="json",
    )

    version.refresh_from_db()
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == ProgrammeVersion.State.GOVERNANCE_REVIEW
    assert version.state == ProgrammeVersion.State.GOVERNANCE_REVIEW
    assert version.snapshot is not None


def test_programme_version_with_a_stale_edition_changes_nothing(api, roles):
    programme = new_programme(roles)
    version = programme_services.version_create(programme_id=programme.pk, by=roles["office"])

    response = api(roles["office"]).post(
        versions_url(version, "transitions/send_to_governance/"),
        {"edition": version.edition + 1},
        format="json",
    )

    version.refresh_from_db()
    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert (version.state, version.snapshot) == (ProgrammeVersion.State.DRAFTING, None)


def test_programme_version_of_an_incomplete_programme_is_refused_with_the_problems(api, roles):
    programme = new_programme(roles)
    version = programme_services.version_create(programme_id=programme.pk, by=roles["office"])

    response = api(roles["office"]).post(
        versions_url(version, "transitions/send_to_governance/"),
        {"edition": version.edition},
        format="json",
    )

    version.refresh_from_db()
    assert response.status_code == 409
    assert response.json()["code"] == "refused"
    assert response.json()["problems"] != []
    assert (version.state, version.snapshot) == (ProgrammeVersion.State.DRAFTING, None)


# --- PDF documents -------------------------------------------------------------------------
@pytest.fixture
def sent(author, draft):
    return transitions.proposal_submit(proposal_id=draft.pk, by=author)


def request_passport(client, proposal, version=1):
    return client.post(
        url_of(proposal, "documents/"), {"kind": "passport", "version": version}, format="json"
    )


def test_document_request_is_accepted_and_rendered(
    api, author, sent, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = request_passport(api(author), sent)

    job = RenderJob.objects.get()
    assert response.status_code == 202
    assert response.json()["id"] == job.pk
    assert (response.json()["kind"], response.json()["version_number"]) == ("passport", 1)
    assert job.status == RenderJob.Status.DONE


def test_document_is_read_by_the_author_only(api, author, other_author, sent, media):
    job_id = request_passport(api(author), sent).json()["id"]

    mine = api(author).get(f"/api/v1/documents/{job_id}/")
    theirs = api(other_author).get(f"/api/v1/documents/{job_id}/")

    assert mine.status_code == 200
    assert mine.json()["status"] == RenderJob.Status.QUEUED
    assert mine.json()["file"] is None
    assert theirs.status_code == 404


def test_document_file_is_a_pdf_attachment_once_done(
    api, author, sent, media, django_capture_on_commit_callbacks
):
    client = api(author)
    with django_capture_on_commit_callbacks(execute=True):
        job_id = request_passport(client, sent).json()["id"]

    shown = client.get(f"/api/v1/documents/{job_id}/").json()
    response = client.get(shown["file"])

    assert shown["status"] == RenderJob.Status.DONE
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_document_file_of_an_unfinished_job_is_not_found(api, author, sent, media):
    job_id = request_passport(api(author), sent).json()["id"]

    response = api(author).get(f"/api/v1/documents/{job_id}/file/")

    assert response.status_code == 404


def test_document_request_of_a_missing_version_is_refused(api, author, sent, media):
    response = request_passport(api(author), sent, version=5)

    assert response.status_code == 409
    assert response.json()["code"] == "refused"
    assert RenderJob.objects.count() == 0


def test_document_request_of_an_invisible_proposal_is_not_found(api, other_author, sent, media):
    response = request_passport(api(other_author), sent)

    assert response.status_code == 404
    assert RenderJob.objects.count() == 0
