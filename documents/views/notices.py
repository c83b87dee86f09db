"""The programme office's pages of notices: the texts of each kind of notice (edit, preview with
a proposal, reset), messages to people (compose, the outbox, send or discard) and the record of
the e-mails sent (filter, send a failed one again). Office only (403 for the others)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from documents import outbox, rules, selectors
from documents.models import OutboxMessage
from documents.notice_forms import MailFilterForm, MessageForm, NoticeTextForm
from mbk import notice_kinds
from mbk.lookups import id_or_404
from mbk.paging import page_of
from workflow import notice_texts
from workflow.models import MailRecord, NoticeTemplate


def preview_params(user, proposal_id) -> tuple[dict, object]:
    """The values a proposal the office can see gives the placeholders (404 for one it cannot)."""
    if not proposal_id:
        return {}, None
    proposal = selectors.get_visible_proposal_or_404(user, id_or_404(proposal_id))
    version = proposal.versions.order_by("-number").first()
    params = {"title": proposal.title, "version": version.number if version else 1}
    return params, proposal


@login_required
@require_safe
def notice_text_list(request):
    rules.require(rules.can_manage_notices, request.user)
    custom = set(NoticeTemplate.objects.exclude(body="").values_list("kind", "language").distinct())
    rows = [
        (kind, [(lang, (kind.key, lang) in custom) for lang in notice_texts.LANGUAGES])
        for kind in notice_kinds.all_kinds()
    ]
    return render(request, "documents/notice_text_list.html", {"rows": rows})


@login_required
def notice_text_edit(request, kind: str, language: str):
    rules.require(rules.can_manage_notices, request.user)
    notice_kind = notice_texts.kind_or_404(kind, language)
    template = NoticeTemplate.objects.filter(kind=kind, language=language).first()
    initial = {
        "subject": template.subject if template else "",
        "body": template.body if template else "",
        "edition": template.edition if template else 0,
    }
    form = NoticeTextForm(request.POST or None, initial=initial)
    drafts = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            errors = notice_texts.check(notice_kind, subject=data["subject"], body=data["body"])
            for field, problems in errors.items():
                for problem in problems:
                    form.add_error(field, problem)
            if not errors:
                drafts = {language: (data["subject"], data["body"])}
        else:
            try:
                notice_texts.template_save(
                    kind=kind,
                    language=language,
                    subject=data["subject"],
                    body=data["body"],
                    by=request.user,
                    seen_edition=data["edition"],
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(request, _("The text of the notice is saved."))
                return redirect("documents:notice-text-edit", kind=kind, language=language)
    params, proposal = preview_params(request.user, request.GET.get("proposal"))
    context = {
        "kind": notice_kind,
        "language": language,
        "template": template,
        "form": form,
        "placeholders": sorted(notice_kind.allowed.items()),
        "required": notice_kind.required,
        "default": notice_kind.default_text(),
        "preview": notice_texts.preview(kind, params, drafts),
        "proposal": proposal,
        "proposals": selectors.visible_proposals(request.user).order_by("-pk")[:50],
    }
    return render(request, "documents/notice_text_edit.html", context)


@login_required
@require_POST
def notice_text_reset(request, kind: str, language: str):
    rules.require(rules.can_manage_notices, request.user)
    notice_texts.kind_or_404(kind, language)
    notice_texts.template_reset(kind=kind, language=language, by=request.user)
    messages.success(request, _("The default text is back."))
    return redirect("documents:notice-text-edit", kind=kind, language=language)


@login_required
@require_safe
def outbox_list(request):
    rules.require(rules.can_manage_notices, request.user)
    status = request.GET.get("status") or OutboxMessage.Status.DRAFT
    if status not in OutboxMessage.Status.values:
        raise Http404
    rows = OutboxMessage.objects.filter(status=status).select_related("created_by")
    context = {
        "page": page_of(request, rows),
        "status": status,
        "statuses": OutboxMessage.Status.choices,
    }
    return render(request, "documents/outbox_list.html", context)


@login_required
def outbox_compose(request):
    rules.require(rules.can_manage_notices, request.user)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = outbox.message_compose(by=request.user, **form.service_kwargs())
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, _("The message is in the outbox: check it and send it."))
            return redirect("documents:outbox-detail", pk=message.pk)
    return render(request, "documents/outbox_compose.html", {"form": form})


@login_required
@require_safe
def outbox_detail(request, pk: int):
    rules.require(rules.can_manage_notices, request.user)
    message = get_object_or_404(OutboxMessage.objects.select_related("call", "group"), pk=pk)
    people = list(message.recipients.order_by("last_name", "first_name", "pk"))
    context = {"message": message, "people": people}
    return render(request, "documents/outbox_detail.html", context)


@login_required
@require_POST
def outbox_send(request, pk: int):
    rules.require(rules.can_manage_notices, request.user)
    get_object_or_404(OutboxMessage, pk=pk)
    message = outbox.message_send(message_id=pk, by=request.user)
    messages.success(
        request,
        _("The message is sent (recipients: %(count)s).") % {"count": message.recipients.count()},
    )
    return redirect("documents:outbox-detail", pk=pk)


@login_required
@require_POST
def outbox_discard(request, pk: int):
    rules.require(rules.can_manage_notices, request.user)
    get_object_or_404(OutboxMessage, pk=pk)
    outbox.message_discard(message_id=pk, by=request.user)
    messages.success(request, _("The message is discarded."))
    return redirect("documents:outbox")


@login_required
@require_safe
def mail_list(request):
    rules.require(rules.can_manage_notices, request.user)
    form = MailFilterForm(request.GET or None)
    rows = MailRecord.objects.select_related("recipient")
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["kind"]:
            rows = rows.filter(kind=data["kind"])
        if data["address"]:
            rows = rows.filter(address__icontains=data["address"])
    return render(
        request, "documents/mail_list.html", {"form": form, "page": page_of(request, rows)}
    )


@login_required
@require_POST
def mail_retry(request, pk: int):
    rules.require(rules.can_manage_notices, request.user)
    get_object_or_404(MailRecord, pk=pk)
    outbox.mail_retry(record_id=pk, by=request.user)
    messages.success(request, _("The e-mail is queued again."))
    return redirect("documents:mail-list")
