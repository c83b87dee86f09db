"""The texts of notices: every call site names a registered kind; the office's text of a kind in
a language replaces the default for that kind and language only; checked when saved; reset;
audited; the e-mail's subject and the record of the e-mails sent."""

import ast
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from mbk import notice_kinds
from workflow import notice_texts
from workflow.models import AuditEntry, MailRecord, Notice, NoticeTemplate
from workflow.notify import notify

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "directory", "workflow", "documents", "programme", "meetings", "api", "mbk"]


def _calls_of_notify():
    """(file, line, call, enclosing function) of every notify(...) / x.notify(...) call."""
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), str(path))
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef):
                    continue
                for node in ast.walk(function):
                    if not isinstance(node, ast.Call):
                        continue
                    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                    if name == "notify" and function.name != "notify":
                        yield path.relative_to(ROOT), node.lineno, node, function


def _literal_kinds(value):
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return [value.value]
    if isinstance(value, ast.IfExp):
        return _literal_kinds(value.body) + _literal_kinds(value.orelse)
    return None


def test_every_notify_call_names_a_registered_kind_and_no_message():
    problems = []
    registered = {kind.key for kind in notice_kinds.all_kinds()}
    seen = 0
    for path, line, call, function in _calls_of_notify():
        seen += 1
        keywords = {k.arg: k.value for k in call.keywords}
        if "message" in keywords:
            problems.append(f"{path}:{line} passes message=")
        if "kind" not in keywords:
            problems.append(f"{path}:{line} passes no kind=")
            continue
        kinds = _literal_kinds(keywords["kind"])
        if kinds is None:  # a helper's parameter: its own callers are checked below
            parameters = [a.arg for a in function.args.args + function.args.kwonlyargs]
            if not (isinstance(keywords["kind"], ast.Name) and keywords["kind"].id in parameters):
                problems.append(f"{path}:{line} kind= is neither a literal nor a parameter")
            continue
        problems += [f"{path}:{line} unregistered {k}" for k in kinds if k not in registered]

    assert seen >= 10
    assert problems == []


def test_every_literal_kind_given_to_a_helper_is_registered():
    registered = {kind.key for kind in notice_kinds.all_kinds()}
    unknown = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.keyword) and node.arg == "kind":
                    for kind in _literal_kinds(node.value) or []:
                        prefix = kind.partition(".")[0]
                        if prefix in APPS and "." in kind and kind not in registered:
                            unknown.append(f"{path.relative_to(ROOT)}: {kind}")

    assert unknown == []


def test_every_kind_has_a_default_in_both_languages():
    from django.utils import translation

    for kind in notice_kinds.all_kinds():
        values = {**{name: name for name in kind.placeholders}, **kind.example}
        with translation.override("ru"):
            russian = str(kind.default_text()) % values
        with translation.override("en"):
            english = str(kind.default_text()) % values
        assert russian != english, kind.key


def _tell(people, **params):
    return notify(
        people,
        actor=None,
        kind="documents.approved",
        params={"title": "Биоаналоги", **params},
        url_name="documents:proposal-detail",
        url_kwargs={"pk": 7},
    )


@pytest.mark.django_db
def test_saved_text_changes_that_kind_in_that_language_only(
    office, author, other_author, django_capture_on_commit_callbacks
):
    other_author.language = "en"
    other_author.save()
    notice_texts.template_save(
        kind="documents.approved",
        language="ru",
        subject="Решение по заявке «{title}»",
        body="Заявка «{title}» утверждена. Подробнее: {link}",
        by=office,
    )

    with django_capture_on_commit_callbacks(execute=True):
        _tell([author, other_author])
        notify(
            [author],
            actor=None,
            kind="documents.rejected",
            params={"title": "Другая"},
            url_name="documents:proposal-detail",
            url_kwargs={"pk": 8},
        )

    texts = list(Notice.objects.order_by("pk").values_list("recipient__username", "text"))
    assert texts == [
        ("author", "Заявка «Биоаналоги» утверждена. Подробнее: http://127.0.0.1:8000/proposals/7/"),
        ("other-author", "The governance body approved «Биоаналоги»."),
        ("author", "Заявка «Другая» отклонена."),
    ]
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [
        "MBK Programme Office: The governance body approved «Биоаналоги».",
        "Дирекция программы МБК: Заявка «Другая» отклонена.",
        "Решение по заявке «Биоаналоги»",
    ]


@pytest.mark.django_db
def test_no_saved_text_keeps_the_default(author, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _tell([author])

    assert Notice.objects.get().text == "Координационный совет утвердил заявку «Биоаналоги»."
    assert mail.outbox[0].subject == (
        "Дирекция программы МБК: Координационный совет утвердил заявку «Биоаналоги»."
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("Заявка {title утверждена", "Фигурная скобка не закрыта или не открыта"),
        ("Заявка {name} утверждена {title}", "Неизвестные подстановки: {name}"),
        ("Заявка утверждена", "В тексте должно быть {title}."),
        ("Заявка {title!r}", "«{title!r}» — не подстановка"),
        ("Заявка {title.upper}", "«{title.upper}» — не подстановка"),
    ],
)
def test_saving_a_malformed_text_is_a_russian_field_error(office, body, error):
    with pytest.raises(ValidationError) as raised:
        notice_texts.template_save(
            kind="documents.approved", language="ru", subject="Тема", body=body, by=office
        )

    assert error in raised.value.message_dict["body"][0]
    assert not NoticeTemplate.objects.exclude(body="").exists()


@pytest.mark.django_db
def test_reset_brings_back_the_default_and_is_audited(office, author):
    notice_texts.template_save(
        kind="documents.approved", language="ru", subject="Тема", body="«{title}»", by=office
    )

    template = notice_texts.template_reset(kind="documents.approved", language="ru", by=office)
    _tell([author])

    assert template.is_custom is False
    assert Notice.objects.get().text == "Координационный совет утвердил заявку «Биоаналоги»."
    assert list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(NoticeTemplate), object_id=template.pk
        )
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == ["notice_text_set", "notice_text_reset"]


@pytest.mark.django_db
def test_only_the_office_saves_texts(author):
    with pytest.raises(PermissionDenied):
        notice_texts.template_save(
            kind="documents.approved", language="ru", subject="Тема", body="{title}", by=author
        )

    assert not NoticeTemplate.objects.exists()


@pytest.mark.django_db
def test_every_email_sent_is_recorded(author, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = _tell([author])[0]

    record = MailRecord.objects.get()
    assert (record.notice_id, record.address, record.kind, record.status, record.attempts) == (
        notice.pk,
        author.email,
        "documents.approved",
        MailRecord.Status.SENT,
        1,
    )
    assert record.subject == mail.outbox[0].subject


@pytest.mark.django_db
def test_a_failed_email_is_recorded_with_its_error(
    author, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there

    with django_capture_on_commit_callbacks(execute=True):
        notice = _tell([author])[0]

    record = MailRecord.objects.get()
    assert record.status == MailRecord.Status.FAILED
    assert "ConnectionRefusedError" in record.error
    notice.refresh_from_db()
    assert (notice.email_due, notice.emailed_at) == (True, None)
