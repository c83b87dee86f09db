"""PDF documents of a proposal: ask for one, watch it being rendered (the status part of the
page is refreshed by htmx until it is ready), download it, try again after a failure."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_POST, require_safe

from documents import blind as blind_review
from documents.downloads import rendered_document
from documents.models import RenderJob
from documents.pdf import selectors, services
from documents.selectors import get_visible_proposal_or_404


class DocumentRequestForm(forms.Form):
    version = forms.IntegerField(min_value=1)


@login_required
@require_POST
def document_request(request, pk: int, kind: str):
    proposal = get_visible_proposal_or_404(request.user, pk)
    if kind not in RenderJob.PROPOSAL_KINDS:
        raise Http404
    form = DocumentRequestForm(request.POST)
    if not form.is_valid():
        raise Http404  # the page always sends a version; a hand-made request gets nothing
    job = services.document_request(
        kind=kind,
        proposal_id=proposal.pk,
        version_number=form.cleaned_data["version"],
        by=request.user,
        language=get_language(),
    )
    return redirect("documents:document-job", pk=job.pk)


def _subject_links(job: RenderJob) -> dict:
    """What the job's page links back to: the programme version or the proposal."""
    if job.kind == RenderJob.Kind.MINUTES:
        url = reverse("meetings:detail", args=[job.subject_id])
        return {"subject_title": str(job.subject), "subject_url": url, "version_url": url}
    if job.kind == RenderJob.Kind.PROGRAMME:
        url = reverse("programme:version-detail", args=[job.subject_id])
        return {"subject_title": str(job.subject.programme), "subject_url": url, "version_url": url}
    proposal = job.subject
    # The anonymised copy is the experts' of a blind review: no names in its title either.
    blind_review.hide_in_titles([proposal], blind=job.anonymised)
    return {
        "subject_title": proposal.title,
        "subject_url": reverse("documents:proposal-detail", args=[proposal.pk]),
        "version_url": reverse("documents:version-detail", args=[proposal.pk, job.version_number]),
    }


@login_required
@require_safe
def document_job(request, pk: int):
    job = selectors.get_readable_job_or_404(request.user, pk)
    return render(request, "documents/document_job.html", {"job": job, **_subject_links(job)})


@login_required
@require_safe
def document_job_status(request, pk: int):
    job = selectors.get_readable_job_or_404(request.user, pk)
    return render(request, "documents/_document_job_status.html", {"job": job})


@login_required
@require_safe
def document_download(request, pk: int):
    job = selectors.get_readable_job_or_404(request.user, pk)
    if job.status != RenderJob.Status.DONE:
        raise Http404
    return rendered_document(job)


@login_required
@require_POST
def document_retry(request, pk: int):
    job = selectors.get_readable_job_or_404(request.user, pk)
    services.document_retry(job_id=job.pk, by=request.user)
    return redirect("documents:document-job", pk=job.pk)
