"""The texts of notices: the catalogue's defaults (mbk.notice_kinds) or the programme office's
own (NoticeTemplate), with {name} placeholders; checked when saved, rendered per recipient."""

import string

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from directory.rules import is_programme_office
from mbk import notice_kinds
from mbk.exceptions import StaleObjectError
from workflow import audit
from workflow.models import NoticeTemplate

LANGUAGES = [code for code, _label in NoticeTemplate.Language.choices]


def kind_or_404(key: str, language: str = "ru") -> notice_kinds.NoticeKind:
    """The registered kind of notice named in a page's or the API's path (404 otherwise)."""
    if language not in LANGUAGES:
        raise Http404
    try:
        return notice_kinds.get(key)
    except LookupError:
        raise Http404 from None


# --- Placeholders ------------------------------------------------------------------------------
def placeholders_in(text: str) -> list[str]:
    """The {name}s of a text, in order; ValidationError (in the active language) for braces
    that do not pair, `{}`, or anything but a plain name inside them ({title!r}, {title:>9},
    {title.upper})."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        raise ValidationError(
            _("A brace is not closed or not opened: write placeholders as {title}."),
            code="braces",
        ) from None
    names = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValidationError(
                _("«{%(name)s}» is not a placeholder: write a name from the list, as {title}.")
                % {
                    "name": name
                    + (f"!{conversion}" if conversion else "")
                    + (f":{spec}" if spec else "")
                },
                code="placeholder",
            )
        names.append(name)
    return names


def check(kind: notice_kinds.NoticeKind, *, subject: str, body: str) -> dict[str, list[str]]:
    """The field errors of an office's text of `kind` (empty: it may be saved)."""
    errors: dict[str, list[str]] = {}
    if not body.strip():
        errors["body"] = [_("Write the text of the notice.")]
    if not subject.strip():
        errors["subject"] = [_("Write the subject of the e-mail.")]
    for field, text in (("subject", subject), ("body", body)):
        try:
            names = placeholders_in(text)
        except ValidationError as error:
            errors.setdefault(field, []).extend(error.messages)
            continue
        unknown = sorted(set(names) - set(kind.allowed))
        if unknown:
            errors.setdefault(field, []).append(
                _("Unknown placeholders: %(names)s. Use only those listed beside the editor.")
                % {"names": ", ".join(f"{{{name}}}" for name in unknown)}
            )
        if field == "body" and text.strip():
            missing = [name for name in kind.required if name not in names]
            if missing:
                errors.setdefault(field, []).append(
                    _("The text must name %(names)s.")
                    % {"names": ", ".join(f"{{{name}}}" for name in missing)}
                )
    return errors


def fill(text: str, values: dict) -> str:
    """The text with each {name} replaced by its value (the text is checked already)."""
    parts = []
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        parts.append(literal)
        if name is not None:
            parts.append(str(values.get(name, "")))
    return "".join(parts)


# --- Rendering ---------------------------------------------------------------------------------
def saved(kind: str) -> dict[str, NoticeTemplate]:
    """The office's texts of the kind by language (those not reset to the default)."""
    return {t.language: t for t in NoticeTemplate.objects.filter(kind=kind).exclude(body="")}


def default_subject(text: str) -> str:
    """What the e-mail's subject is without an office's text (templates/workflow/email)."""
    return f"{_('MBK Programme Office')}: {Truncator(text).chars(120)}"


def render(
    kind: notice_kinds.NoticeKind,
    template: NoticeTemplate | None,
    params: dict,
    *,
    link: str,
    variant: str = "",
) -> tuple[str, str]:
    """(text, subject) in the active language: the office's template if there is one (subject
    included), or the default text with an empty subject (the e-mail then has today's)."""
    values = {key: str(value) for key, value in params.items()}
    if template is None:
        return str(kind.default_text(variant)) % values, ""
    values["link"] = link
    return fill(template.body, values), fill(template.subject, values)


def preview(kind_key: str, params: dict, drafts: dict[str, tuple[str, str]] | None = None):
    """{language: (subject, text)} of the kind in both languages, with `params` over the kind's
    sample values; `drafts` ({language: (subject, body)}) stand in for the saved texts."""
    kind = notice_kinds.get(kind_key)
    values = {**kind.example, **params}
    texts = saved(kind_key)
    link = f"{settings.SITE_URL}/…"
    shown = {}
    for language in LANGUAGES:
        template = texts.get(language)
        if drafts and language in drafts and drafts[language][1].strip():
            template = NoticeTemplate(subject=drafts[language][0], body=drafts[language][1])
        with translation.override(language):
            text, subject = render(kind, template, values, link=link)
            shown[language] = (subject or default_subject(text), text)
    return shown


# --- Services ----------------------------------------------------------------------------------
def _require_office(user) -> None:
    if not is_programme_office(user):
        raise PermissionDenied


@transaction.atomic
def template_save(
    *, kind: str, language: str, subject: str, body: str, by, seen_edition: int | None = None
) -> NoticeTemplate:
    """The office saves its text of a kind of notice in a language: checked (ValidationError
    with field errors), audited; later notices of the kind in the language use it."""
    _require_office(by)
    notice_kind = notice_kinds.get(kind)
    if language not in LANGUAGES:
        raise ValidationError({"language": [_("Choose Russian or English.")]})
    errors = check(notice_kind, subject=subject, body=body)
    if errors:
        raise ValidationError(errors)
    template = _lock(kind, language)
    if seen_edition is not None and seen_edition != template.edition:
        raise StaleObjectError
    was_custom = template.is_custom
    template.subject, template.body = subject.strip(), body.strip()
    template.edition += 1
    template.updated_by, template.updated_at = by, timezone.now()
    template.save()
    audit.record(
        template,
        actor=by,
        action="notice_text_changed" if was_custom else "notice_text_set",
        comment=f"{kind} [{language}]\n{template.subject}\n{template.body}",
    )
    return template


@transaction.atomic
def template_reset(
    *, kind: str, language: str, by, seen_edition: int | None = None
) -> NoticeTemplate:
    """The office goes back to the default text of the kind in the language. Audited."""
    _require_office(by)
    notice_kinds.get(kind)
    if language not in LANGUAGES:
        raise ValidationError({"language": [_("Choose Russian or English.")]})
    template = _lock(kind, language)
    if seen_edition is not None and seen_edition != template.edition:
        raise StaleObjectError
    if template.is_custom:
        template.subject, template.body = "", ""
        template.edition += 1
        template.updated_by, template.updated_at = by, timezone.now()
        template.save()
        audit.record(template, actor=by, action="notice_text_reset", comment=f"{kind} [{language}]")
    return template


def _lock(kind: str, language: str) -> NoticeTemplate:
    NoticeTemplate.objects.get_or_create(kind=kind, language=language)
    return NoticeTemplate.objects.select_for_update().get(kind=kind, language=language)
