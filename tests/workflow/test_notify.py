"""Notices: in the recipient's language, e-mailed after commit, opened only by their owner."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from workflow.models import Notice
from workflow.notify import notify
from workflow.tasks import task_resend_notice_emails, task_send_notice_email


def send(recipients, capture):
    with capture(execute=True):
        return notify(
            recipients,
            actor=None,
            kind="documents.approved",
            params={"title": "Биоаналоги"},
            url_name="documents:proposal-detail",
            url_kwargs={"pk": 7},
        )


@pytest.mark.django_db
def test_notify_speaks_each_recipients_language(
    author, other_author, django_capture_on_commit_callbacks
):
    other_author.language = "en"
    other_author.save()

    send([author, other_author, author], django_capture_on_commit_callbacks)

    texts = dict(Notice.objects.values_list("recipient__username", "text"))
    assert texts == {
        "author": "Координационный совет утвердил заявку «Биоаналоги».",
        "other-author": "The governance body approved «Биоаналоги».",
    }
    letters = {message.to[0]: message for message in mail.outbox}
    assert set(letters) == {author.email, other_author.email}
    assert "http://127.0.0.1:8000/proposals/7/" in letters[author.email].body
    assert "Здравствуйте" in letters[author.email].body
    assert "Dear" in letters[other_author.email].body


@pytest.mark.django_db
def test_notify_skips_inactive_people(author, django_capture_on_commit_callbacks):
    author.is_active = False
    author.save()

    send([author], django_capture_on_commit_callbacks)

    assert not Notice.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_email_copy_is_sent_once_and_stamped(author, django_capture_on_commit_callbacks):
    [notice] = send([author], django_capture_on_commit_callbacks)

    task_send_notice_email(notice_id=notice.pk)  # the same message delivered again

    notice.refresh_from_db()
    assert len(mail.outbox) == 1
    assert notice.emailed_at is not None


@pytest.mark.django_db
def test_a_muted_category_makes_no_email_due(author, django_capture_on_commit_callbacks):
    author.email_muted = [Notice.Category.DECISIONS]
    author.save()

    [notice] = send([author], django_capture_on_commit_callbacks)

    assert (notice.email_due, mail.outbox) == (False, [])
    assert task_resend_notice_emails() == 0


@pytest.mark.django_db
def test_emails_lost_to_a_broker_down_are_sent_by_the_sweeper(
    author, other_author, django_capture_on_commit_callbacks, monkeypatch, settings
):
    def broker_down(**kwargs):
        raise ConnectionRefusedError("Redis is down")

    with monkeypatch.context() as patched:
        patched.setattr(task_send_notice_email, "delay", broker_down)
        send([author, other_author], django_capture_on_commit_callbacks)  # the action stands
    assert mail.outbox == []
    assert task_resend_notice_emails() == 0  # too early: the first delivery may be on its way

    Notice.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    resent = task_resend_notice_emails()

    assert resent == 2
    assert {message.to[0] for message in mail.outbox} == {author.email, other_author.email}
    assert not Notice.objects.filter(emailed_at=None).exists()
    assert task_resend_notice_emails() == 0


@pytest.mark.django_db
def test_notice_open_marks_read_and_goes_to_the_link(client, author, other_author):
    notice = Notice.objects.create(recipient=author, text="t", url="/proposals/7/")
    client.force_login(other_author)
    foreign = client.post(f"/notices/{notice.pk}/open/")
    client.force_login(author)

    response = client.post(f"/notices/{notice.pk}/open/")

    notice.refresh_from_db()
    assert foreign.status_code == 404
    assert (response.status_code, response.url) == (302, "/proposals/7/")
    assert notice.read_at is not None


@pytest.mark.django_db
def test_notice_list_shows_own_notices_only(client, author, other_author):
    Notice.objects.create(recipient=author, text="Моё уведомление", url="/")
    Notice.objects.create(recipient=other_author, text="Чужое уведомление", url="/")
    client.force_login(author)

    html = client.get("/notices/").content.decode()

    assert "Моё уведомление" in html
    assert "Чужое уведомление" not in html


@pytest.mark.django_db
def test_notice_list_shows_a_page_at_a_time_and_links_the_rest(client, author, monkeypatch):
    monkeypatch.setattr("mbk.paging.PER_PAGE", 2)
    Notice.objects.bulk_create(
        Notice(recipient=author, text=f"Уведомление {n}", url="/") for n in range(3)
    )
    client.force_login(author)

    first = client.get("/notices/").content.decode()
    second = client.get("/notices/", {"page": 2}).content.decode()

    assert first.count("Уведомление ") == 2
    assert 'data-testid="pager"' in first
    assert second.count("Уведомление ") == 1


def notice_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/notices/").status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_notice_list_query_count_is_the_same_for_1_and_30_notices(client, author):
    Notice.objects.create(recipient=author, text="Уведомление 0", url="/")
    client.force_login(author)
    with_one = notice_list_queries(client)

    Notice.objects.bulk_create(
        Notice(recipient=author, text=f"Уведомление {n}", url="/") for n in range(1, 30)
    )
    with_thirty = notice_list_queries(client)

    assert with_thirty == with_one
