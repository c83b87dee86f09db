"""The discussion of a proposal among those who weigh it (rules.can_discuss): entries of plain
text, never deleted; their writer may change one for EDITABLE_FOR, the earlier text kept, then
it is frozen. `@login` mentions notify the people named who may read the discussion; the writer
is told of those who may not (they are not notified). Every entry and change is audited on the
entry itself (the proposal's history, which its authors read, never shows the discussion)."""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from documents import rules
from documents.models import DiscussionEntry, DiscussionEntryEdit, Proposal
from mbk.exceptions import ActionRefusedError, StaleObjectError
from workflow import audit
from workflow.notify import notify

EDITABLE_FOR = datetime.timedelta(minutes=15)
MAX_LENGTH = 10000
# A login after an @ that no letter, digit or @ precedes (an e-mail address is no mention).
_MENTION = re.compile(r"(?<![\w@])@([\w.+-]*\w)")


@dataclass
class Posted:
    entry: DiscussionEntry
    not_notified: list[str]  # the logins mentioned that were not notified, as written


def mentioned_logins(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for login in _MENTION.findall(text):
        seen.setdefault(login, None)
    return list(seen)


def is_editable(entry: DiscussionEntry, user, now: datetime.datetime | None = None) -> bool:
    """Its writer changes an entry within EDITABLE_FOR of writing it."""
    now = now or timezone.now()
    return entry.author_id == getattr(user, "pk", None) and now - entry.created_at <= EDITABLE_FOR


def entries(proposal: Proposal) -> QuerySet[DiscussionEntry]:
    """The entries with their writers and earlier texts: two queries whatever their number."""
    return proposal.discussion_entries.select_related("author").prefetch_related(
        Prefetch("edits", queryset=DiscussionEntryEdit.objects.order_by("replaced_at", "pk"))
    )


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise ActionRefusedError(_("Write the text of the entry."))
    if len(text) > MAX_LENGTH:
        raise ActionRefusedError(
            _("An entry is at most %(n)d characters long.") % {"n": MAX_LENGTH}
        )
    return text


def _notify_mentioned(
    proposal: Proposal, entry: DiscussionEntry, by: User, logins: list[str]
) -> list[str]:
    """Notify the people mentioned who may read the discussion; the logins of the others."""
    people = {u.username: u for u in User.objects.filter(username__in=logins, is_active=True)}
    found = {login: people.get(login) for login in logins}
    readers = [
        person
        for person in found.values()
        if person is not None and person.pk != by.pk and rules.can_discuss(person, proposal)
    ]
    not_notified = [
        login
        for login, person in found.items()
        if person is None or (person.pk != by.pk and person not in readers)
    ]
    notify(
        readers,
        actor=by,
        kind="documents.discussion_mention",
        variant=by.gender,
        params={"person": by.get_full_name(), "title": proposal.title},
        url_name="documents:proposal-detail",
        url_kwargs={"pk": proposal.pk},
    )
    return not_notified


def require_editable(entry: DiscussionEntry, by: User) -> None:
    """403 for anyone but its writer (or a writer who may no longer discuss the proposal), 409
    once the entry is frozen."""
    rules.require(rules.can_discuss, by, entry.proposal)
    if entry.author_id != by.pk:
        raise PermissionDenied
    if not is_editable(entry, by):
        raise ActionRefusedError(
            _(
                "An entry can be changed within %(minutes)d minutes of writing it; this one is "
                "frozen. Write a new entry instead."
            )
            % {"minutes": EDITABLE_FOR.seconds // 60}
        )


@transaction.atomic
def discussion_post(*, proposal_id: int, by: User, text: str) -> Posted:
    """Add an entry to the proposal's discussion (403 for anyone rules.can_discuss does not
    allow); audits it and notifies the people it mentions who may read it."""
    proposal = Proposal.objects.get(pk=proposal_id)
    rules.require(rules.can_discuss, by, proposal)
    entry = DiscussionEntry.objects.create(proposal=proposal, author=by, text=_clean(text))
    audit.record(entry, actor=by, action="discussion_posted", comment=entry.text)
    return Posted(entry, _notify_mentioned(proposal, entry, by, mentioned_logins(entry.text)))


@transaction.atomic
def discussion_edit(
    *, entry_id: int, by: User, text: str, seen_edition: int | None = None
) -> Posted:
    """Its writer changes an entry within EDITABLE_FOR (403 for anyone else; 409 once frozen or
    from a form drawn before another change). The earlier text is kept; newly mentioned people
    are notified."""
    entry = DiscussionEntry.objects.select_for_update().select_related("proposal").get(pk=entry_id)
    if seen_edition is not None and seen_edition != entry.edition:
        require_editable(entry, by)  # who may not change it at all is told so first (403)
        raise StaleObjectError
    require_editable(entry, by)
    text = _clean(text)
    if text == entry.text:
        raise ActionRefusedError(_("The text is the same as before: nothing to change."))
    before = set(mentioned_logins(entry.text))
    DiscussionEntryEdit.objects.create(entry=entry, text=entry.text)
    entry.text = text
    entry.edited_at = timezone.now()
    entry.edition += 1
    entry.save(update_fields=["text", "edited_at", "edition"])
    audit.record(entry, actor=by, action="discussion_edited", comment=entry.text)
    new = [login for login in mentioned_logins(text) if login not in before]
    return Posted(entry, _notify_mentioned(entry.proposal, entry, by, new))
