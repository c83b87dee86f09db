"""Blind review: what the experts of a call with blind review read instead of the names of a
proposal's authors, its organisation and its contact person.

Who reads a proposal blind is documents.rules.sees_blind's to say; this module only masks:
`mask_content()` a content dict (a version's or the live snapshot), `mask_text()` any other
text, `attachment_name()` an attachment's file name. Every read path (pages, lists, search, the
API, PDFs, downloads, notices) uses these, so there is one way of hiding them."""

import re
from collections.abc import Iterable

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.models import Attachment, Proposal

# What an expert reads in place of a hidden value.
HIDDEN = gettext_lazy("[hidden: blind review]")
# The content's fields that name the authors or the organisation; blanked, not rewritten.
IDENTIFYING_FIELDS = ("organisation", "contact_name", "contact_email", "contact_phone")
# Strings shorter than this are not looked for inside texts: they would mask ordinary words.
SHORTEST_NAME = 4


def identifying_strings(proposal: Proposal) -> list[str]:
    """The names, logins, e-mails and phones of the authors and of the organisation, as they
    may appear inside the proposal's texts: longest first, so a full name goes before its
    surname."""
    people = [proposal.author, *proposal.coauthors.all()]
    organisation = proposal.organisation
    found = {
        proposal.contact_name,
        proposal.contact_email,
        proposal.contact_phone,
        organisation.name_ru,
        getattr(organisation, "name_en", ""),
        getattr(organisation, "short_name", ""),
        getattr(organisation, "inn", ""),
    }
    for person in people:
        found |= {
            person.get_full_name(),
            person.last_name,
            person.username,
            person.email,
            getattr(person, "phone", ""),
        }
    found = {value.strip() for value in found if value and len(value.strip()) >= SHORTEST_NAME}
    return sorted(found, key=lambda value: (-len(value), value))


def mask_text(text: str, names: Iterable[str]) -> str:
    """`text` with every occurrence of the names replaced (case-insensitive)."""
    if not text:
        return text
    for name in names:
        text = re.sub(re.escape(name), str(HIDDEN), text, flags=re.IGNORECASE)
    return text


def attachment_name(number: int, extension: str) -> str:
    """«Приложение 2.pdf»: what an expert reads for an attachment's file name."""
    return _("Attachment %(number)s%(extension)s") % {"number": number, "extension": extension}


def _masked(value, names: list[str]):
    if isinstance(value, str):
        return mask_text(value, names)
    if isinstance(value, list):
        return [_masked(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _masked(item, names) for key, item in value.items()}
    return value


def mask_content(content: dict, proposal: Proposal, names: list[str] | None = None) -> dict:
    """A copy of a content dict (documents.content.snapshot, or a version's) as an expert of a
    blind review reads it: the organisation and contact person blank, the attachments named
    by their number, and the authors' and organisation's names taken out of every text."""
    names = identifying_strings(proposal) if names is None else names
    masked = _masked({k: v for k, v in content.items() if k != "attachments"}, names)
    for field in IDENTIFYING_FIELDS:
        if field in masked:
            masked[field] = ""
    if "attachments" in content:
        masked["attachments"] = [
            {**item, "name": attachment_name(number, _extension(item.get("name", "")))}
            for number, item in enumerate(content["attachments"], start=1)
        ]
    return masked


def _extension(name: str) -> str:
    match = re.search(r"\.[A-Za-z0-9]{1,8}$", name or "")
    return match.group(0).lower() if match else ""


def remember_attachments(proposal: Proposal, attachments: list[Attachment]) -> None:
    """Keep all the proposal's attachments (removed ones too), read with it by its page's
    lookup, for listed_attachments() and numbered_attachments()."""
    in_order = sorted(attachments, key=lambda attachment: (attachment.uploaded_at, attachment.pk))
    for attachment in in_order:
        attachment.proposal = proposal
    proposal.__dict__["_mbk_attachments"] = in_order


def numbered_attachments(proposal: Proposal) -> dict[int, str]:
    """Attachment id → «Приложение N.ext», numbered in the order of upload, removed ones
    included, so that a number never changes: the proposal's list and its frozen versions name
    a file alike."""
    if "_mbk_attachments" in proposal.__dict__:
        rows = [(a.pk, a.extension) for a in proposal.__dict__["_mbk_attachments"]]
    else:
        rows = proposal.attachments.order_by("uploaded_at", "pk").values_list("pk", "extension")
    return {pk: attachment_name(n, ext) for n, (pk, ext) in enumerate(rows, start=1)}


def attachment_shown_name(attachment: Attachment, *, blind: bool) -> str:
    """The name an attachment is listed and downloaded under."""
    if not blind:
        return attachment.original_name
    return numbered_attachments(attachment.proposal)[attachment.pk]


def listed_attachments(proposal: Proposal, *, blind: bool) -> list[Attachment]:
    """The proposal's attachments, each with `shown_name`: its file name, or read blind
    «Приложение N.ext»."""
    if "_mbk_attachments" in proposal.__dict__:  # read with the proposal
        attachments = [a for a in proposal.__dict__["_mbk_attachments"] if a.removed_at is None]
    else:
        attachments = list(proposal.attachments.current().order_by("uploaded_at", "pk"))
    numbered = numbered_attachments(proposal) if blind else {}
    for attachment in attachments:
        attachment.shown_name = numbered[attachment.pk] if blind else attachment.original_name
    return attachments


def page_flags(proposal: Proposal, *, blind: bool) -> dict:
    """What a proposal's pages say about blind review: `blind` (this reader's view is
    anonymised) and `blind_note` (the call is blind and this reader sees everything: the chair,
    the secretary, the programme office, the governance body, the authors)."""
    return {"blind": blind, "blind_note": proposal.call.blind_review and not blind}


def shown_remarks(proposal: Proposal, *, blind: bool) -> list:
    """The chair's remarks and the authors' answers; read blind, without the names of the
    authors and the organisation (the rows are masked in memory, never saved). No query for a
    proposal its lookup read as having none (`has_remarks`)."""
    if getattr(proposal, "has_remarks", True) is False:
        return []
    remarks = list(proposal.remarks.all())
    if blind:
        names = identifying_strings(proposal)
        for remark in remarks:
            remark.text = mask_text(remark.text, names)
            remark.answer = mask_text(remark.answer, names)
    return remarks


def hide_in_titles(proposals, *, blind: bool | None = None) -> list[Proposal]:
    """The proposals with the names of their authors and organisation taken out of the titles
    of those read blind: `blind` for all of them, or each one's `blind` (a list's annotation,
    selectors.blind_annotation). In memory only, for drawing: the rows are never saved."""
    proposals = list(proposals)
    hidden = [
        proposal
        for proposal in proposals
        if (blind if blind is not None else getattr(proposal, "blind", False))
    ]
    # The co-authors' names only for the rows read blind (one query for them all; none when a
    # list read them already): a list of open calls does not load its co-authors to mask nothing.
    prefetch_related_objects(hidden, "coauthors")
    for proposal in hidden:
        proposal.title = mask_text(proposal.title, identifying_strings(proposal))
    return proposals
