"""Frozen versions keep their files. A version lists the attachments the proposal had when it
was submitted (by name and SHA-256, documents/content.py); removing such an attachment later
only hides it from the proposal (the row and its file stay, marked removed, see
services.attachment_remove), so the version's page still lists and downloads it. An attachment
no version froze is deleted for real."""

from django.http import Http404
from django.utils.translation import gettext as _

from documents.blind import numbered_attachments
from documents.models import Attachment, ProposalVersion
from mbk.lookups import id_or_404


def frozen_hashes(proposal_id: int) -> set[str]:
    """The SHA-256 of every attachment some version of the proposal froze."""
    contents = ProposalVersion.objects.filter(proposal_id=proposal_id).values_list(
        "content", flat=True
    )
    return {item["sha256"] for content in contents for item in content.get("attachments", [])}


def is_frozen(attachment: Attachment) -> bool:
    return attachment.sha256 in frozen_hashes(attachment.proposal_id)


def version_attachments(version: ProposalVersion, *, blind: bool = False) -> list[dict]:
    """The attachments of the version as they were: for each its name, hash and the row that
    holds its file (None for a file removed before versions kept theirs). Read blind
    (documents.rules.sees_blind), a kept file is named «Приложение N.ext» as on the proposal's
    page, and one no longer kept «Приложение»."""
    listed = version.content.get("attachments", [])
    rows = {}
    for row in Attachment.objects.filter(
        proposal_id=version.proposal_id, sha256__in=[item["sha256"] for item in listed]
    ).order_by("pk"):
        rows.setdefault(row.sha256, row)
    items = [
        {"name": item["name"], "sha256": item["sha256"], "attachment": rows.get(item["sha256"])}
        for item in listed
    ]
    if blind:
        numbered = numbered_attachments(version.proposal)
        for item in items:
            row = item["attachment"]
            item["name"] = numbered[row.pk] if row else _("Attachment")
    return items


def version_attachment_or_404(version: ProposalVersion, attachment_id) -> Attachment:
    """An attachment the version froze, removed since or not; any other is a 404."""
    listed = {item["sha256"] for item in version.content.get("attachments", [])}
    try:
        attachment = Attachment.objects.get(
            pk=id_or_404(attachment_id), proposal_id=version.proposal_id
        )
    except Attachment.DoesNotExist:
        raise Http404 from None
    if attachment.sha256 not in listed:
        raise Http404
    return attachment
