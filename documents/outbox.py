"""The programme office's messages: composed for a set of people chosen by a filter, kept in
the outbox as drafts, then sent once (in-app notices and e-mails, in each recipient's
language) or discarded. Every step is audited."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from directory.models import Body, Membership
from documents import rules
from documents.models import OutboxMessage, Proposal
from mbk.exceptions import ActionRefusedError
from workflow import audit
from workflow.models import Notice
from workflow.notify import deliver

Audience = OutboxMessage.Audience
# The states an office may write to the authors of: a draft is its authors' own business.
STATES = [state for state in Proposal.State if state != Proposal.State.DRAFT]


def audience(
    kind: str, *, call_id: int | None = None, states=(), group_id: int | None = None
) -> QuerySet[User]:
    """The active people of an audience, by name: one query. Each condition is an EXISTS, so
    that a person with several proposals or memberships is one row without distinct()."""
    users = get_user_model().objects.filter(is_active=True)
    memberships = Membership.objects.filter(user=OuterRef("pk"))
    if kind == Audience.CALL_AUTHORS:
        proposals = Proposal.objects.filter(call_id=call_id, state__in=list(states))
        coauthored = Proposal.coauthors.through.objects.filter(
            user=OuterRef("pk"), proposal__in=proposals
        )
        people = users.filter(Exists(proposals.filter(author=OuterRef("pk"))) | Exists(coauthored))
    elif kind == Audience.GROUP_EXPERTS:
        people = users.filter(
            Exists(
                memberships.filter(
                    body_id=group_id,
                    body__kind__in=Body.WORKING_GROUPS,
                    role=Membership.Role.EXPERT,
                )
            )
        )
    elif kind == Audience.GROUP_CHAIRS:
        people = users.filter(
            Exists(
                memberships.filter(body__kind__in=Body.WORKING_GROUPS, role=Membership.Role.CHAIR)
            )
        )
    elif kind == Audience.GOVERNANCE:
        governance = memberships.filter(body__kind=Body.Kind.GOVERNANCE)
        people = users.filter(Exists(governance)).exclude(
            Exists(governance.filter(role=Membership.Role.OBSERVER))
        )
    else:
        return users.none()
    return people.order_by("last_name", "first_name", "pk")


def _check(data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    has_ru = bool(data.get("subject_ru", "").strip() or data.get("body_ru", "").strip())
    has_en = bool(data.get("subject_en", "").strip() or data.get("body_en", "").strip())
    if not has_ru and not has_en:
        errors["body_ru"] = [_("Write the message in Russian, in English or in both.")]
    for language, present in (("ru", has_ru), ("en", has_en)):
        if present:
            for field in ("subject", "body"):
                if not data.get(f"{field}_{language}", "").strip():
                    errors[f"{field}_{language}"] = [_("Write the subject and the text.")]
    kind = data.get("audience")
    if kind not in Audience.values:
        errors["audience"] = [_("Choose the recipients.")]
    elif kind == Audience.CALL_AUTHORS:
        if not data.get("call_id"):
            errors["call"] = [_("Choose the call.")]
        if not data.get("states") or set(data["states"]) - set(STATES):
            errors["states"] = [_("Choose the states of the proposals.")]
    elif kind == Audience.GROUP_EXPERTS and not (
        data.get("group_id")
        and Body.objects.filter(pk=data["group_id"], kind__in=Body.WORKING_GROUPS).exists()
    ):
        errors["group"] = [_("Choose the working group.")]
    return errors


@transaction.atomic
def message_compose(
    *,
    by: User,
    audience_kind: str,
    subject_ru: str = "",
    body_ru: str = "",
    subject_en: str = "",
    body_en: str = "",
    call_id: int | None = None,
    states: list[str] = (),
    group_id: int | None = None,
) -> OutboxMessage:
    """The office puts a message in the outbox, its recipients fixed now (the page showed them).
    ValidationError with field errors; nobody is told anything yet. Audited."""
    rules.require(rules.can_manage_notices, by)
    data = {
        "subject_ru": subject_ru,
        "body_ru": body_ru,
        "subject_en": subject_en,
        "body_en": body_en,
        "audience": audience_kind,
        "call_id": call_id,
        "states": list(states),
        "group_id": group_id,
    }
    errors = _check(data)
    people = []
    if not errors:
        people = list(audience(audience_kind, call_id=call_id, states=states, group_id=group_id))
        if not people:
            errors["audience"] = [_("Nobody matches these recipients.")]
    if errors:
        raise ValidationError(errors)
    message = OutboxMessage.objects.create(
        subject_ru=subject_ru.strip(),
        body_ru=body_ru.strip(),
        subject_en=subject_en.strip(),
        body_en=body_en.strip(),
        audience=audience_kind,
        call_id=call_id if audience_kind == Audience.CALL_AUTHORS else None,
        states=list(states) if audience_kind == Audience.CALL_AUTHORS else [],
        group_id=group_id if audience_kind == Audience.GROUP_EXPERTS else None,
        created_by=by,
    )
    message.recipients.set(people)
    audit.record(
        message,
        actor=by,
        action="message_composed",
        to_state=message.status,
        comment=f"{message}\n{len(people)}",
    )
    return message


def _decide(message_id: int, by: User, status: str) -> OutboxMessage:
    """Claim the draft for `status` (a conditional update: of two clicks or two offices, one
    wins; the other is refused and changes nothing)."""
    rules.require(rules.can_manage_notices, by)
    claimed = OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.DRAFT).update(
        status=status, decided_by=by, decided_at=timezone.now()
    )
    if not claimed:
        OutboxMessage.objects.get(pk=message_id)  # 404 when there is no such message
        raise ActionRefusedError(_("This message has been sent or discarded already."))
    return OutboxMessage.objects.get(pk=message_id)


@transaction.atomic
def message_send(*, message_id: int, by: User) -> OutboxMessage:
    """Send a draft of the outbox, once: an in-app notice to each recipient (in their
    language, else in the one the message is written in), e-mails queued after commit.
    Audited."""
    message = _decide(message_id, by, OutboxMessage.Status.SENT)
    written = {
        language: (getattr(message, f"subject_{language}"), getattr(message, f"body_{language}"))
        for language in ("ru", "en")
        if getattr(message, f"body_{language}")
    }

    def render(person):
        language = translation.get_language()
        subject, body = written.get(language) or next(iter(written.values()))
        return f"{subject}: {body}"[:500], subject, body

    people = list(message.recipients.all())
    deliver(
        people,
        actor=None,
        kind="outbox",
        render=render,
        url=reverse("workflow:notices"),
        category=Notice.Category.DECISIONS,
    )
    audit.record(
        message,
        actor=by,
        action="message_sent",
        from_state=OutboxMessage.Status.DRAFT,
        to_state=message.status,
        comment=f"{message}\n{len(people)}",
    )
    return message


@transaction.atomic
def message_discard(*, message_id: int, by: User) -> OutboxMessage:
    """Discard a draft of the outbox: nobody is told. Audited."""
    message = _decide(message_id, by, OutboxMessage.Status.DISCARDED)
    audit.record(
        message,
        actor=by,
        action="message_discarded",
        from_state=OutboxMessage.Status.DRAFT,
        to_state=message.status,
    )
    return message


@transaction.atomic
def mail_retry(*, record_id: int, by: User) -> None:
    """The office sends a failed e-mail again (its notice is still due). Audited."""
    from workflow.models import MailRecord
    from workflow.tasks import task_send_notice_email

    rules.require(rules.can_manage_notices, by)
    record = MailRecord.objects.select_for_update().select_related("notice").get(pk=record_id)
    if record.status != MailRecord.Status.FAILED:
        raise ActionRefusedError(_("Only a failed e-mail can be sent again."))
    MailRecord.objects.filter(pk=record.pk).update(status=MailRecord.Status.PENDING)
    Notice.objects.filter(pk=record.notice_id, emailed_at=None).update(email_due=True)
    audit.record(record, actor=by, action="mail_retried", comment=record.address)
    transaction.on_commit(
        lambda: task_send_notice_email.delay(notice_id=record.notice_id), robust=True
    )
