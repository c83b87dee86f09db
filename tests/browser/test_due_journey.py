"""What is due (issue 17, item 2), in the browser on the demo: the expert sees when their review
is due, in working days, and an overdue one said in words and in red; the chair sees the group's
steps in the inbox and on the home page."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from documents.models import Proposal
from workflow import calendar, deadlines
from workflow.models import Deadline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IN_REVIEW = "Биоаналоги моноклональных антител для онкологии"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", "--password", "Demo-pass-1")
    settings.DEBUG = False


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill("Demo-pass-1")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/")


def test_the_expert_sees_when_the_review_is_due_and_when_it_is_late(demo, page, screenshot):
    log_in(page, "expert2.pharma")
    page.goto("/assigned/")
    screenshot("assigned")

    row = page.locator("tr", has_text=IN_REVIEW)
    due = row.get_by_test_id("due")
    expected = calendar.add_working_days(timezone.localdate(), 14)
    assert due.inner_text() == "срок — через 14 рабочих дней"
    assert due.get_attribute("data-due") == expected.isoformat()

    deadlines.check()  # the beat job opens the deadline; then it passes
    proposal = Proposal.objects.get(title=IN_REVIEW)
    late_since = timezone.localdate() - datetime.timedelta(days=14)
    Deadline.objects.filter(object_id=proposal.pk, state="wg_review").update(due_on=late_since)
    page.reload()
    screenshot("assigned-overdue")

    late_by = calendar.working_days_between(late_since, timezone.localdate())
    due = page.locator("tr", has_text=IN_REVIEW).get_by_test_id("due")
    assert due.inner_text() == f"просрочено на {late_by} рабочих дней"
    colour = due.evaluate("element => getComputedStyle(element).color")
    red, green, blue = (int(part) for part in colour[colour.index("(") + 1 : -1].split(",")[:3])
    assert red > 2 * green  # red, besides the words
    assert red > 2 * blue

    page.get_by_role("link", name=IN_REVIEW).first.click()
    page.wait_for_url(f"**/proposals/{proposal.pk}/")
    screenshot("proposal")
    assert page.get_by_test_id("due").inner_text() == f"просрочено на {late_by} рабочих дней"


def test_the_chair_sees_the_groups_steps_due_in_the_inbox_and_at_home(demo, page, screenshot):
    log_in(page, "chair.pharma")
    screenshot("home")
    assert page.get_by_test_id("due").first.inner_text().startswith("срок — через ")

    page.goto("/inbox/")
    screenshot("inbox")

    row = page.locator("tr", has_text=IN_REVIEW)
    assert row.get_by_test_id("due").inner_text() == "срок — через 14 рабочих дней"
