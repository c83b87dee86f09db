"""A programme version's life: assembly with a failing and then passing consistency check,
sign-off, the immutable snapshot (and its PDF bytes) after later edits, supersession, the
check against what was approved after freezing, and the comparison of two versions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from documents.models import Proposal, RenderJob
from documents.pdf import pipeline
from mbk.exceptions import ActionRefusedError
from programme import assembly, services
from programme.models import ProgrammeVersion
from tests.programme.world import (
    approve_section,
    approved_projects,
    approved_version,
    financing_rows_matching,
    new_programme,
    ready_programme,
    section,
)
from tests.workflow.states import proposal_in
from workflow import audit

State = ProgrammeVersion.State


def test_consistency_check_fails_then_passes(people):
    approved_projects(people, 2)
    programme = new_programme(people)
    for item in programme.sections.exclude(code__in=["risks", "financing"]):
        approve_section(item, people)
    services.section_remove(section_id=section(programme, "goals").pk, by=people["office"])
    approve_section(
        section(programme, "financing"),
        people,
        rows=[{"year": 2027, "own": "999", "private": "0", "city": "0", "federal": "0"}],
    )
    version = services.version_create(programme_id=programme.pk, by=people["office"])

    with pytest.raises(ActionRefusedError) as refused:
        services.version_send_to_governance(version_id=version.pk, by=people["office"])

    problems = "\n".join(refused.value.problems)
    assert "Цели, задачи и целевые показатели" in problems  # a mandatory section missing
    assert "Раздел «Риски» ещё не утверждён (сейчас: текста ещё нет)." in problems
    assert (
        "Финансирование, 2027 г., собственные средства: в разделе «Ресурсное обеспечение» "
        "указано 999 руб., а бюджеты утверждённых якорных проектов в сумме дают "
        "2\u00a0000\u00a0000 руб."
    ) in problems
    version.refresh_from_db()
    assert (version.state, version.snapshot) == (State.DRAFTING, None)

    services.section_remove(
        section_id=section(programme, "goals").pk, by=people["office"], restore=True
    )
    approve_section(section(programme, "risks"), people)
    approve_section(
        section(programme, "financing"), people, rows=financing_rows_matching(programme)
    )
    services.version_send_to_governance(version_id=version.pk, by=people["office"])

    version.refresh_from_db()
    assert version.state == State.GOVERNANCE_REVIEW
    assert version.snapshot_sha256 == assembly.snapshot_hash(version.snapshot)
    assert len(version.snapshot["projects"]) == 2
    assert [s["code"] for s in version.snapshot["sections"]][-1] == "goals"  # brought back last


def test_approval_records_the_decision_and_the_signatory(people):
    programme = ready_programme(people)

    version = approved_version(programme, people, number="12")

    assert version.state == State.APPROVED
    assert (version.decision_number, version.decision_date) == ("12", datetime.date(2026, 11, 10))
    assert version.signed_by == people["governance_chair"]
    assert audit.history(version).last().reference == "№ 12 от 10.11.2026"
    job = RenderJob.objects.get(kind=RenderJob.Kind.PROGRAMME, subject_id=version.pk)
    assert (job.language, job.status) == ("ru", RenderJob.Status.QUEUED)


def test_only_the_governance_chair_signs_off(people):
    programme = ready_programme(people, projects=1)
    version = services.version_create(programme_id=programme.pk, by=people["office"])
    services.version_send_to_governance(version_id=version.pk, by=people["office"])

    with pytest.raises(PermissionDenied):
        services.version_approve(
            version_id=version.pk,
            by=people["secretary"],
            decision_number="1",
            decision_date=datetime.date(2026, 11, 1),
        )

    version.refresh_from_db()
    assert version.state == State.GOVERNANCE_REVIEW


def test_a_project_approved_after_freezing_stands_in_the_way(people):
    programme = ready_programme(people, projects=1)
    version = services.version_create(programme_id=programme.pk, by=people["office"])
    services.version_send_to_governance(version_id=version.pk, by=people["office"])
    proposal_in(Proposal.State.APPROVED, people, title="Поздний проект")

    with pytest.raises(ActionRefusedError) as refused:
        services.version_approve(
            version_id=version.pk,
            by=people["governance_chair"],
            decision_number="3",
            decision_date=datetime.date(2026, 11, 1),
        )

    assert any("Поздний проект" in str(p) for p in refused.value.problems)
    version.refresh_from_db()
    assert version.state == State.GOVERNANCE_REVIEW


def test_later_edits_leave_the_approved_snapshot_and_its_pdf_bytes_unchanged(people, media):
    programme = ready_programme(people, projects=1)
    version = approved_version(programme, people)
    job = RenderJob.objects.get(kind=RenderJob.Kind.PROGRAMME, subject_id=version.pk)
    pipeline.render_job(job.pk, task_id="first")
    job.refresh_from_db()
    first_bytes = job.file.open("rb").read()
    snapshot, sha = version.snapshot, version.snapshot_sha256

    approve_section(section(programme, "risks"), people, text="Совсем другие риски")
    proposal_in(Proposal.State.APPROVED, people, title="Ещё один проект")
    again = services.programme_document_request(
        version_id=version.pk, by=people["observer"], language="ru"
    )

    version.refresh_from_db()
    assert (version.snapshot, version.snapshot_sha256) == (snapshot, sha)
    assert assembly.snapshot_hash(version.snapshot) == sha
    assert again.pk == job.pk
    again.refresh_from_db()
    assert again.file.open("rb").read() == first_bytes
    assert again.file_sha256 == job.file_sha256


def test_a_new_approval_supersedes_the_previous_version(people):
    programme = ready_programme(people, projects=1)
    first = approved_version(programme, people, number="1")
    approve_section(section(programme, "risks"), people, text="Обновлённые риски")

    second = approved_version(programme, people, number="2")

    first.refresh_from_db()
    assert (first.state, second.state) == (State.SUPERSEDED, State.APPROVED)
    assert first.snapshot["sections"][-1]["text"] != second.snapshot["sections"][-1]["text"]


def test_one_version_is_prepared_at_a_time(people):
    programme = new_programme(people)
    services.version_create(programme_id=programme.pk, by=people["office"])

    with pytest.raises(ActionRefusedError):
        services.version_create(programme_id=programme.pk, by=people["office"])

    assert programme.versions.count() == 1


def test_returning_to_drafting_drops_the_snapshot(people):
    programme = ready_programme(people, projects=1)
    version = services.version_create(programme_id=programme.pk, by=people["office"])
    services.version_send_to_governance(version_id=version.pk, by=people["office"])

    services.version_return_to_drafting(
        version_id=version.pk, by=people["secretary"], reason="Учесть новые проекты"
    )

    version.refresh_from_db()
    assert (version.state, version.snapshot, version.frozen_at) == (State.DRAFTING, None, None)


def test_comparison_lists_changed_sections_added_projects_and_totals(people):
    programme = ready_programme(people, projects=1)
    first = approved_version(programme, people, number="1")
    proposal_in(Proposal.State.APPROVED, people, title="Новый проект")
    approve_section(section(programme, "risks"), people, text="Новые риски")
    approve_section(
        section(programme, "financing"), people, rows=financing_rows_matching(programme)
    )
    second = approved_version(programme, people, number="2")

    comparison = assembly.compare(first.snapshot, second.snapshot)

    assert [title for title, _was, _now in comparison.sections_changed] == [
        "Ресурсное обеспечение",
        "Риски",
    ]
    assert [(was, now) for _t, was, now in comparison.sections_changed] == [(1, 2), (1, 2)]
    assert comparison.projects_added == ["Новый проект"]
    assert comparison.projects_removed == []
    total = next(t for t in comparison.totals if t[0] == "Все годы и источники")
    assert (total[1], total[2]) == (Decimal("3500000.00"), Decimal("7000000.00"))


def test_registry_totals_equal_the_sum_of_the_projects_budgets(people):
    projects = approved_projects(people, 3)
    programme = new_programme(people)

    numbers = assembly.figures(assembly.assemble(programme))

    budgets = sum(line.amount for p in projects for line in p.budget_lines.all())
    assert numbers["total"] == budgets == Decimal("10500000.00")
    assert sum(d["total"] for d in numbers["registry"]) == budgets
    assert numbers["financing"]["total"] == budgets
    assert numbers["matrix"]["totals"][0] == 3  # each asks for the first instrument


def test_the_snapshot_of_a_signed_version_cannot_be_saved_changed(people):
    programme = ready_programme(people, projects=1)
    version = approved_version(programme, people)
    version.snapshot["projects"][0]["title"] = "Подменённый проект"

    with pytest.raises(PermissionError):
        version.save()

    version.refresh_from_db()
    assert version.snapshot["projects"][0]["title"] == "Якорный проект 1"
