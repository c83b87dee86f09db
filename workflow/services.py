"""The engine's own user actions: a person's notices and how they hear of them."""

from django.utils import timezone

from accounts.models import User
from workflow.models import Notice


def notice_mark_read(*, notice_ids: list[int] | None, by: User) -> int:
    """Mark the person's own notices read (all of them when no ids are given)."""
    unread = Notice.objects.filter(recipient=by, read_at=None)
    if notice_ids is not None:
        unread = unread.filter(pk__in=notice_ids)
    return unread.update(read_at=timezone.now())


def email_notices_choose(*, by: User, wanted: list[str]) -> User:
    """The categories of notices the person gets by e-mail (in-app notices always appear)."""
    by.email_muted = sorted(set(Notice.Category.values) - set(wanted))
    by.save(update_fields=["email_muted"])
    return by
