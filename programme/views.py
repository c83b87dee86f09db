"""Pages of the development programme: its sections (text, tables, revisions and their way to
approval) and its versions (assembly, consistency check, sign-off, comparison, the compiled
PDF). Views look up through the selectors (404 for what one may not see), check forms and call
one service; refusals become 403/409 pages in one place (workflow/middleware.py)."""

import difflib
import json

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST, require_safe

from mbk import spreadsheets
from programme import actions, assembly, charts, document, exports, rules, selectors, services
from programme.forms import (
    PairForm,
    SectionAddForm,
    SectionDecisionForm,
    SectionTextForm,
    VersionCreateForm,
    VersionDecisionForm,
    row_formset,
)
from programme.markdown import to_html
from programme.models import ProgrammeVersion, Section, SectionRevision
from programme.structure import mandatory_codes
from workflow import audit, deadlines
from workflow.models import AuditEntry

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _programme_or_404():
    programme = selectors.current_programme()
    if programme is None:
        raise Http404
    return programme


@login_required
@require_safe
def overview(request):
    if not rules.can_open_programme(request.user):
        raise PermissionDenied
    programme = selectors.current_programme()
    context = {"programme": programme}
    if programme is not None:
        versions = list(selectors.visible_versions(request.user, programme))
        sections = []
        if rules.can_view_programme(request.user):
            for section in selectors.sections_with_revisions(programme):
                revisions = list(section.revisions.all())
                sections.append(
                    {
                        "section": section,
                        "latest": revisions[0] if revisions else None,
                        "approved": assembly.approved_revision(section),
                        "mandatory": section.code in mandatory_codes(),
                    }
                )
        context |= {
            "sections": sections,
            "removed": list(selectors.sections_with_revisions(programme, removed=True))
            if rules.can_manage_sections(request.user)
            else [],
            "versions": versions,
            "can_manage": rules.can_manage_sections(request.user),
            "can_create_version": rules.can_create_programme_version(request.user),
            "create_form": VersionCreateForm(),
            "compare_form": PairForm(numbers=[v.number for v in versions])
            if len(versions) > 1
            else None,
        }
    return render(request, "programme/overview.html", context)


# --- Sections ---------------------------------------------------------------------------------
@login_required
def section_add(request):
    programme = _programme_or_404()
    if not rules.can_manage_sections(request.user):
        raise PermissionDenied
    form = SectionAddForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        section = services.section_add(
            programme_id=programme.pk, by=request.user, **form.cleaned_data
        )
        return redirect("programme:section-detail", pk=section.pk)
    return render(request, "programme/section_add.html", {"form": form, "programme": programme})


@login_required
@require_POST
def section_move(request, pk: int):
    section = selectors.get_visible_section_or_404(request.user, pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    services.section_move(section_id=section.pk, by=request.user, step=step)
    return redirect("programme:overview")


@login_required
@require_POST
def section_remove(request, pk: int):
    section = selectors.get_visible_section_or_404(request.user, pk)
    restore = request.POST.get("restore") == "1"
    services.section_remove(section_id=section.pk, by=request.user, restore=restore)
    return redirect("programme:overview")


def _history(section: Section) -> list[AuditEntry]:
    """The section's own entries and those of all its revisions, in time order."""
    revision_ids = [r.pk for r in section.revisions.all()]
    entries = AuditEntry.objects.filter(
        Q(content_type=ContentType.objects.get_for_model(Section), object_id=section.pk)
        | Q(
            content_type=ContentType.objects.get_for_model(SectionRevision),
            object_id__in=revision_ids,
        )
    ).select_related("actor")
    numbers = {r.pk: r.number for r in section.revisions.all()}
    section_type = ContentType.objects.get_for_model(Section).pk
    history = []
    for entry in entries.order_by("at", "pk"):
        entry.label = actions.HISTORY.get(entry.action, entry.action)
        entry.revision_number = (
            None if entry.content_type_id == section_type else numbers.get(entry.object_id)
        )
        history.append(entry)
    return history


def _section_context(request, section: Section, decision_form=None) -> dict:
    revisions = list(section.revisions.all())
    current = revisions[0] if revisions else None
    years = section.programme.years
    entry = {"table": section.table, "rows": current.rows if current else []}
    decisions = actions.section_decisions(request.user, current)
    can_write = (current is None and rules.is_section_writer(request.user, section)) or (
        current is not None and rules.can_edit_section(request.user, current)
    )
    return {
        "section": section,
        "revisions": revisions,
        "current": current,
        "approved": assembly.approved_revision(section),
        "html": to_html(current.text) if current else "",
        "table": document.section_table(entry, years) if current else None,
        "decisions": decisions,
        "decision_form": decision_form,
        "can_write": can_write,
        # When the revision's next step is due, for whoever may take it.
        "due": deadlines.due_of(current) if current and (decisions or can_write) else None,
        "history": _history(section),
        "diff_form": PairForm(numbers=[r.number for r in revisions])
        if len(revisions) > 1
        else None,
    }


@login_required
@require_safe
def section_detail(request, pk: int):
    section = selectors.get_visible_section_or_404(request.user, pk)
    return render(request, "programme/section_detail.html", _section_context(request, section))


@login_required
def section_edit(request, pk: int):
    section = selectors.get_visible_section_or_404(request.user, pk)
    current = services.latest_revision(section)
    allowed = (
        rules.can_edit_section(request.user, current)
        if current
        else rules.is_section_writer(request.user, section)
    )
    if not allowed:
        if current is not None and current.state not in SectionRevision.EDITABLE:
            return redirect("programme:section-detail", pk=section.pk)
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = SectionTextForm(
        data,
        initial={
            "text": current.text if current else "",
            "edition": current.edition if current else 0,
        },
    )
    rows = row_formset(section, current.rows if current else [], data)
    if data is not None and form.is_valid() and (rows is None or rows.is_valid()):
        services.section_write(
            section_id=section.pk,
            by=request.user,
            text=form.cleaned_data["text"],
            rows=rows.rows() if rows is not None else [],
            seen_edition=form.cleaned_data["edition"] if current else None,
        )
        return redirect("programme:section-detail", pk=section.pk)
    context = {"section": section, "current": current, "form": form, "rows": rows}
    return render(request, "programme/section_edit.html", context, status=400 if data else 200)


@login_required
@require_POST
def section_preview(request, pk: int):
    """The sanitised HTML of the text being typed (htmx swaps it into the edit page)."""
    section = selectors.get_visible_section_or_404(request.user, pk)
    if not rules.is_section_writer(request.user, section):
        raise PermissionDenied
    text = request.POST.get("text", "")[:200_000]
    return render(request, "programme/_preview.html", {"html": to_html(text)})


@login_required
@require_POST
def section_decide(request, pk: int):
    section = selectors.get_visible_section_or_404(request.user, pk)
    transition = actions.SECTION.get(request.POST.get("action", ""))
    current = section.revisions.order_by("-number").first()
    if transition is None or current is None:
        raise Http404
    form = SectionDecisionForm(request.POST, transition=transition)
    if not form.is_valid():
        context = _section_context(request, section, decision_form=form)
        return render(request, "programme/section_detail.html", context, status=400)
    transition.run(current, by=request.user, seen=form.cleaned_data["edition"], **form.params())
    return redirect("programme:section-detail", pk=section.pk)


def _text_lines(revision: SectionRevision) -> list[str]:
    lines = revision.text.splitlines()
    if revision.rows:
        lines += ["", "--- table ---"]
        lines += [json.dumps(row, ensure_ascii=False, sort_keys=True) for row in revision.rows]
    return lines


@login_required
@require_safe
def section_diff(request, pk: int):
    section = selectors.get_visible_section_or_404(request.user, pk)
    revisions = {r.number: r for r in section.revisions.all()}
    if len(revisions) < 2:
        raise Http404
    numbers = sorted(revisions)
    form = PairForm(request.GET or {"a": numbers[-2], "b": numbers[-1]}, numbers=numbers)
    lines = []
    if form.is_valid():
        before, after = revisions[form.cleaned_data["a"]], revisions[form.cleaned_data["b"]]
        lines = list(
            difflib.unified_diff(_text_lines(before), _text_lines(after), lineterm="", n=2)
        )[2:]
    context = {"section": section, "form": form, "lines": lines}
    return render(request, "programme/section_diff.html", context)


# --- Versions ---------------------------------------------------------------------------------
@login_required
@require_POST
def version_create(request):
    programme = _programme_or_404()
    form = VersionCreateForm(request.POST)
    if not form.is_valid():
        raise Http404  # one optional text field: only a hand-made request gets here
    version = services.version_create(
        programme_id=programme.pk, by=request.user, note=form.cleaned_data["note"]
    )
    return redirect("programme:version-detail", pk=version.pk)


def _labelled(entries) -> list[AuditEntry]:
    entries = list(entries)
    for entry in entries:
        entry.label = actions.HISTORY.get(entry.action, entry.action)
    return entries


def _version_context(request, version: ProgrammeVersion, decision_form=None) -> dict:
    snapshot = assembly.snapshot_of(version)
    direction = _direction_filter(request, snapshot)
    if version.state == ProgrammeVersion.State.DRAFTING:
        problems = assembly.draft_problems(snapshot)
    elif version.state == ProgrammeVersion.State.GOVERNANCE_REVIEW:
        problems = assembly.late_problems(version)
    else:
        problems = []
    years = assembly.years_of(snapshot)
    figures = assembly.figures(snapshot)
    decisions = actions.version_decisions(request.user, version)
    return {
        "version": version,
        "programme": version.programme,
        "figures": figures,
        "charts": charts.financing(figures),
        "direction": direction,
        "directions": [(d["code"], assembly.name(d)) for d in snapshot["directions"]],
        "sections": [
            {
                **s,
                "title": assembly.name(s, "title"),
                "owner": assembly.name(s, "owner"),
                "table_view": document.section_table(s, years),
            }
            for s in snapshot["sections"]
        ],
        "problems": problems,
        "decisions": decisions,
        "blocked": actions.version_blocked(version, problems),
        "decision_form": decision_form,
        "due": deadlines.due_of(version) if decisions else None,
        "history": _labelled(audit.history(version)),
        "jobs": selectors.programme_jobs(request.user, version),
        "can_request_document": rules.can_read_programme_document(request.user, version),
    }


@login_required
@require_safe
def version_detail(request, pk: int):
    version = selectors.get_visible_version_or_404(request.user, pk)
    return render(request, "programme/version_detail.html", _version_context(request, version))


@login_required
@require_POST
def version_decide(request, pk: int):
    version = selectors.get_visible_version_or_404(request.user, pk)
    transition = actions.VERSION.get(request.POST.get("action", ""))
    if transition is None:
        raise Http404
    form = VersionDecisionForm(request.POST, transition=transition)
    if not form.is_valid():
        context = _version_context(request, version, decision_form=form)
        return render(request, "programme/version_detail.html", context, status=400)
    transition.run(version, by=request.user, seen=form.cleaned_data["edition"], **form.params())
    return redirect("programme:version-detail", pk=version.pk)


@login_required
@require_safe
def version_compare(request):
    programme = _programme_or_404()
    versions = {v.number: v for v in selectors.visible_versions(request.user, programme)}
    if len(versions) < 2:
        raise Http404
    numbers = sorted(versions)
    form = PairForm(request.GET or {"a": numbers[-2], "b": numbers[-1]}, numbers=numbers)
    comparison = None
    if form.is_valid():
        before, after = versions[form.cleaned_data["a"]], versions[form.cleaned_data["b"]]
        comparison = assembly.compare(assembly.snapshot_of(before), assembly.snapshot_of(after))
    context = {"programme": programme, "form": form, "comparison": comparison}
    if form.is_valid():
        context |= {"before": before, "after": after}
    return render(request, "programme/version_compare.html", context)


@login_required
@require_POST
def version_document(request, pk: int):
    version = selectors.get_visible_version_or_404(request.user, pk)
    job = services.programme_document_request(
        version_id=version.pk, by=request.user, language=get_language()
    )
    return redirect("documents:document-job", pk=job.pk)


def _direction_filter(request, snapshot: dict) -> str | None:
    """The registry's direction filter (?direction=code), as the page and the export use it."""
    code = request.GET.get("direction") or None
    if code is not None and code not in {d["code"] for d in snapshot["directions"]}:
        raise Http404
    return code


@login_required
@require_safe
def version_registry_export(request, pk: int, fmt: str):
    """The registry of anchor projects of the version, filtered as on its page."""
    version = selectors.get_visible_version_or_404(request.user, pk)
    snapshot = assembly.snapshot_of(version)
    rows = exports.registry_table(snapshot, _direction_filter(request, snapshot))
    name = f"registry-v{version.number}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            spreadsheets.xlsx({"Реестр якорных проектов": rows}), content_type=XLSX
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def version_summary_export(request, pk: int):
    """The office's summary tables: financing by direction and year, instruments by direction."""
    version = selectors.get_visible_version_or_404(request.user, pk)
    content = spreadsheets.xlsx(exports.summary_tables(assembly.snapshot_of(version)))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="summary-v{version.number}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
