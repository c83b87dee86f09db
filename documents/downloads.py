"""How a stored file leaves the system: as an attachment, with its declared type and nosniff,
for the pages and the API alike."""

from django.http import FileResponse

from documents.blind import attachment_shown_name
from documents.models import Attachment, RenderJob
from documents.uploads import ALLOWED, named_as


def file_download(opened, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        opened, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def attachment_file(attachment: Attachment, *, blind: bool = False) -> FileResponse:
    """An attachment under the person's name with the extension of its real type, sent as that
    type. Both come from the type sniffed at upload (the stored extension), so rows stored
    before names followed the type download right too. Read blind (documents.rules.sees_blind)
    it is «Приложение N.ext» (documents/blind.py)."""
    name = attachment_shown_name(attachment, blind=True) if blind else attachment.original_name
    return file_download(
        attachment.file.open("rb"),
        filename=named_as(name, attachment.extension),
        content_type=ALLOWED[attachment.extension],
    )


def rendered_document(job: RenderJob) -> FileResponse:
    """A finished rendering, named after its document, subject and version."""
    version = job.version_number
    if job.kind not in (RenderJob.Kind.PROGRAMME, RenderJob.Kind.MINUTES):
        version = f"v{version}"  # a proposal's content version
    filename = f"{job.get_kind_display()} {job.subject_id}-{version}.pdf"
    return file_download(job.file.open("rb"), filename=filename, content_type="application/pdf")
