"""A section's life: writing, a round of changes, approval by its owner and by the governance
body, the frozen approved revision, an amendment and the diff between revisions."""

import pytest
from django.core.exceptions import PermissionDenied
from django_fsm import TransitionNotAllowed

from mbk.exceptions import ActionRefusedError, StaleObjectError
from programme import services
from programme.models import SectionRevision
from tests.programme.world import DECISION, approve_section, new_programme, section
from workflow import audit
from workflow.models import Notice

State = SectionRevision.State


@pytest.fixture
def risks(people):
    return section(new_programme(people), "risks")


def test_section_lifecycle_with_a_revision_round(people, risks):
    office, secretary = people["office"], people["secretary"]

    services.section_write(
        section_id=risks.pk, by=office, text="Риски: *рыночные*.", rows=[], seen_edition=None
    )
    services.section_submit(section_id=risks.pk, by=office)
    services.section_request_changes(section_id=risks.pk, by=office, comment="Добавьте меры")
    revision = services.latest_revision(risks)
    services.section_write(
        section_id=risks.pk,
        by=office,
        text="Риски: *рыночные*; меры — страхование.",
        rows=[],
        seen_edition=revision.edition,
    )
    services.section_submit(section_id=risks.pk, by=office)
    services.section_approve_in_group(section_id=risks.pk, by=office)
    services.section_send_to_governance(section_id=risks.pk, by=office)
    approved = services.section_governance_approve(
        section_id=risks.pk, by=secretary, reference=DECISION
    )

    assert approved.number == 1
    assert approved.state == State.APPROVED
    assert approved.decision_reference == DECISION
    assert len(approved.sha256) == 64
    assert [e.action for e in audit.history(approved)] == [
        "text_saved",
        "submitted",
        "changes_requested",
        "text_saved",
        "submitted",
        "approved_in_group",
        "sent_to_governance",
        "approved",
    ]
    assert [e.to_state for e in audit.history(approved)][-1] == State.APPROVED
    assert Notice.objects.filter(text__contains="Риски").exists()


def test_approved_section_is_frozen(people, risks):
    approved = approve_section(risks, people, text="Исходный текст")

    with pytest.raises(TransitionNotAllowed):
        services.section_write(
            section_id=risks.pk,
            by=people["office"],
            text="Тайная правка",
            rows=[],
            seen_edition=approved.edition,
        )

    approved.refresh_from_db()
    assert approved.text == "Исходный текст"


def test_amending_opens_a_new_revision_and_keeps_the_approved_one(people, risks):
    approve_section(risks, people, text="Первая редакция")

    opened = services.section_amend(section_id=risks.pk, by=people["office"])
    services.section_write(
        section_id=risks.pk,
        by=people["office"],
        text="Вторая редакция",
        rows=[],
        seen_edition=opened.edition,
    )

    first, second = risks.revisions.order_by("number")
    assert (first.number, first.state, first.text) == (1, State.APPROVED, "Первая редакция")
    assert (second.number, second.state, second.text) == (2, State.DRAFT, "Вторая редакция")


def test_amending_twice_is_refused(people, risks):
    approve_section(risks, people)
    services.section_amend(section_id=risks.pk, by=people["office"])

    with pytest.raises(TransitionNotAllowed):
        services.section_amend(section_id=risks.pk, by=people["office"])

    assert risks.revisions.count() == 2


def test_stale_edit_is_refused(people, risks):
    first = services.section_write(
        section_id=risks.pk, by=people["office"], text="A", rows=[], seen_edition=None
    )
    services.section_write(
        section_id=risks.pk, by=people["office"], text="B", rows=[], seen_edition=first.edition
    )

    with pytest.raises(StaleObjectError):
        services.section_write(
            section_id=risks.pk, by=people["office"], text="C", rows=[], seen_edition=first.edition
        )

    assert services.latest_revision(risks).text == "B"


def test_submitting_an_empty_section_is_refused(people, risks):
    services.section_write(
        section_id=risks.pk, by=people["office"], text="  ", rows=[], seen_edition=None
    )

    with pytest.raises(ActionRefusedError):
        services.section_submit(section_id=risks.pk, by=people["office"])

    assert services.latest_revision(risks).state == State.DRAFT


def test_working_group_section_is_decided_by_its_chair_not_by_the_office(people, risks):
    from directory.models import Body

    risks.owner = Body.objects.get(code="wg-pharma")
    risks.save()
    services.section_write(
        section_id=risks.pk, by=people["wg_secretary"], text="Текст", rows=[], seen_edition=None
    )
    services.section_submit(section_id=risks.pk, by=people["wg_secretary"])

    with pytest.raises(PermissionDenied):
        services.section_approve_in_group(section_id=risks.pk, by=people["office"])
    services.section_approve_in_group(section_id=risks.pk, by=people["chair"])

    assert services.latest_revision(risks).state == State.WG_APPROVED


def test_structure_is_locked_while_a_version_is_before_the_governance_body(people):
    from tests.programme.world import ready_programme

    programme = ready_programme(people, projects=1)
    version = services.version_create(programme_id=programme.pk, by=people["office"])
    services.version_send_to_governance(version_id=version.pk, by=people["office"])

    with pytest.raises(ActionRefusedError):
        services.section_remove(section_id=section(programme, "risks").pk, by=people["office"])

    assert section(programme, "risks").removed_at is None
