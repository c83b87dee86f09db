"""The programme office's notices: the composer's recipient sets, the outbox sent once, the
pages and the API (office only), the preview escaped."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from directory.models import Body, Membership
from documents import outbox
from documents.models import OutboxMessage, Proposal
from mbk.exceptions import ActionRefusedError
from tests.api.conftest import api_as
from tests.factories import MembershipFactory, draft_proposal
from tests.workflow.states import make_people, proposal_in
from workflow import notice_texts
from workflow.models import MailRecord, Notice

Audience = OutboxMessage.Audience


@pytest.fixture
def people(db):
    return make_people()


def _compose(by, **fields):
    return outbox.message_compose(
        by=by, subject_ru="Совещание", body_ru="Приглашаем на совещание.", **fields
    )


@pytest.mark.django_db
def test_call_authors_are_the_authors_and_coauthors_in_the_chosen_states(people):
    revised = proposal_in("revision_requested", people)
    other = draft_proposal(people["other_author"], call=revised.call)

    message = _compose(
        people["office"],
        audience_kind=Audience.CALL_AUTHORS,
        call_id=revised.call_id,
        states=[Proposal.State.REVISION_REQUESTED],
    )

    assert {p.username for p in message.recipients.all()} == {"author", "coauthor"}
    assert other.state == Proposal.State.DRAFT


@pytest.mark.django_db
def test_group_experts_and_chairs_and_governance_are_exact(people):
    pharma = Body.objects.get(code="wg-pharma")
    MembershipFactory(body=pharma, role=Membership.Role.EXPERT, user__username="second")

    experts = _compose(people["office"], audience_kind=Audience.GROUP_EXPERTS, group_id=pharma.pk)
    chairs = _compose(people["office"], audience_kind=Audience.GROUP_CHAIRS)
    governance = _compose(people["office"], audience_kind=Audience.GOVERNANCE)

    expected_experts = set(
        Membership.objects.filter(body=pharma, role=Membership.Role.EXPERT).values_list(
            "user__username", flat=True
        )
    )
    assert {p.username for p in experts.recipients.all()} == expected_experts
    assert "second" in expected_experts
    assert {p.username for p in chairs.recipients.all()} == set(
        Membership.objects.filter(
            body__kind__in=Body.WORKING_GROUPS, role=Membership.Role.CHAIR
        ).values_list("user__username", flat=True)
    )
    assert {p.username for p in governance.recipients.all()} == set(
        Membership.objects.filter(body__kind=Body.Kind.GOVERNANCE)
        .exclude(role=Membership.Role.OBSERVER)
        .values_list("user__username", flat=True)
    )


@pytest.mark.django_db
def test_compose_without_text_is_a_russian_field_error(people):
    with pytest.raises(ValidationError) as raised:
        outbox.message_compose(by=people["office"], audience_kind=Audience.GROUP_CHAIRS)

    assert raised.value.message_dict["body_ru"] == [
        "Напишите сообщение на русском, английском или на обоих языках."
    ]
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_send_twice_sends_once(people, django_capture_on_commit_callbacks):
    message = _compose(people["office"], audience_kind=Audience.GROUP_CHAIRS)
    count = message.recipients.count()

    with django_capture_on_commit_callbacks(execute=True):
        outbox.message_send(message_id=message.pk, by=people["office"])
    with pytest.raises(ActionRefusedError):
        outbox.message_send(message_id=message.pk, by=people["office"])

    assert Notice.objects.filter(kind="outbox").count() == count
    assert len(mail.outbox) == count
    assert MailRecord.objects.filter(kind="outbox", status="sent").count() == count
    assert {m.subject for m in mail.outbox} == {"Совещание"}
    assert "Приглашаем на совещание." in mail.outbox[0].body


@pytest.mark.django_db
def test_double_submit_on_the_page_sends_once(client, people, django_capture_on_commit_callbacks):
    message = _compose(people["office"], audience_kind=Audience.GROUP_CHAIRS)
    client.force_login(people["office"])
    url = reverse("documents:outbox-send", kwargs={"pk": message.pk})

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
    second = client.post(url)

    assert (first.status_code, second.status_code) == (302, 409)
    assert Notice.objects.filter(kind="outbox").count() == message.recipients.count()


@pytest.mark.django_db
def test_pages_and_api_refuse_everyone_but_the_office(client, people):
    message = _compose(people["office"], audience_kind=Audience.GROUP_CHAIRS)
    client.force_login(people["chair"])
    pages = [
        reverse("documents:notice-texts"),
        reverse("documents:outbox"),
        reverse("documents:outbox-compose"),
        reverse("documents:outbox-detail", kwargs={"pk": message.pk}),
        reverse("documents:mail-list"),
    ]
    api = api_as(people["chair"])

    assert [client.get(url).status_code for url in pages] == [403] * 5
    assert (
        client.post(reverse("documents:outbox-send", kwargs={"pk": message.pk})).status_code == 403
    )
    assert [
        api.get("/api/v1/notice-texts/").status_code,
        api.get("/api/v1/outbox/").status_code,
        api.get("/api/v1/sent-mail/").status_code,
        api.post(f"/api/v1/outbox/{message.pk}/send/").status_code,
        api.put(
            "/api/v1/notice-texts/documents.approved/ru/",
            {"subject": "Тема", "body": "{title}"},
            format="json",
        ).status_code,
    ] == [403] * 5
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.DRAFT


@pytest.mark.django_db
def test_api_updates_a_text_with_field_errors_in_russian(people):
    api = api_as(people["office"])

    bad = api.put(
        "/api/v1/notice-texts/documents.approved/ru/",
        {"subject": "Тема", "body": "Заявка {nonsense}"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    good = api.put(
        "/api/v1/notice-texts/documents.approved/ru/",
        {"subject": "Тема", "body": "Заявка «{title}» утверждена"},
        format="json",
    )
    reset = api.post("/api/v1/notice-texts/documents.approved/ru/reset/")

    assert bad.status_code == 400
    assert bad.json()["errors"]["body"][0].startswith("Неизвестные подстановки: {nonsense}.")
    assert (good.status_code, good.json()["custom"]) == (200, True)
    assert (reset.status_code, reset.json()["custom"]) == (200, False)


@pytest.mark.django_db
def test_preview_escapes_the_proposal_and_the_text(client, people):
    proposal = draft_proposal(people["author"], title="<script>alert(1)</script>")
    office = people["office"]

    notice_texts.template_save(
        kind="documents.approved",
        language="ru",
        subject="Тема <b>{title}</b>",
        body="Заявка <i>{title}</i> утверждена",
        by=office,
    )
    visible = proposal_in("submitted", people, title="<script>alert(2)</script>")
    client.force_login(office)  # the office sees a submitted proposal, not a draft

    page = client.get(
        reverse(
            "documents:notice-text-edit", kwargs={"kind": "documents.approved", "language": "ru"}
        ),
        {"proposal": visible.pk},
    )
    hidden = client.get(
        reverse(
            "documents:notice-text-edit", kwargs={"kind": "documents.approved", "language": "ru"}
        ),
        {"proposal": proposal.pk},
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert "Заявка &lt;i&gt;&lt;script&gt;alert(2)&lt;/script&gt;&lt;/i&gt; утверждена" in html
    assert "The governance body approved «&lt;script&gt;alert(2)&lt;/script&gt;»." in html
    assert "<script>alert(2)" not in html
    assert hidden.status_code == 404


@pytest.mark.django_db
def test_mail_list_filters_by_status_and_retries_a_failed_one(
    client, people, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    message = _compose(people["office"], audience_kind=Audience.GOVERNANCE)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.message_send(message_id=message.pk, by=people["office"])
    failed = list(MailRecord.objects.filter(status="failed"))
    client.force_login(people["office"])

    listed = client.get(reverse("documents:mail-list"), {"status": "sent"})
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(reverse("documents:mail-retry", kwargs={"pk": failed[0].pk}))

    assert len(failed) == message.recipients.exclude(email="").count() > 1
    assert "Писем, соответствующих условиям, нет." in listed.content.decode()
    assert retried.status_code == 302
    assert MailRecord.objects.filter(status="sent").count() == 1
    assert len(mail.outbox) == 1
