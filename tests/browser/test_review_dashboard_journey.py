"""The chair's review dashboard in a real browser, in Russian (issue 17, item 4): the chair of
wg-pharma goes from the home page to the group's dashboard, reads the proposals ranked by
weighted score, sorts them by title, ticks two new proposals, asks for a suggested assignment,
unticks one suggested pair, confirms, and sees the experts assigned on the dashboard."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from directory.models import Body, Direction
from documents import transitions
from documents.demo import DEMO_CALL
from documents.models import Assignment, Call, Proposal
from documents.services import proposal_create, proposal_update
from tests.factories import complete_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Demo-pass-1"
NEW = ["Вакцина против клещевого энцефалита", "Пробиотики для новорождённых"]


@pytest.fixture
def demo(settings, media):
    settings.DEBUG = True
    call_command("load_demo", "--password", PASSWORD)
    settings.DEBUG = False
    call = Call.objects.get(title_ru=DEMO_CALL)
    author = User.objects.get(username="author.biopharm")
    pharma = Direction.objects.get(code="pharma")
    for title in NEW:
        draft = proposal_create(by=author, call=call, direction=pharma, title=title)
        draft = proposal_update(
            proposal_id=draft.pk,
            by=author,
            content=complete_content(draft),
            seen_edition=draft.edition,
        )
        transitions.proposal_submit(proposal_id=draft.pk, by=author)
    return Body.objects.get(code="wg-pharma")


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/")


def row_of(table, title: str):
    link = table.page.get_by_role("link", name=title, exact=True)
    return table.get_by_role("row").filter(has=link)


def test_chair_ranks_ticks_gets_a_suggestion_and_assigns(page, demo, screenshot):
    group = demo
    reviewed = Proposal.objects.get(group=group, state=Proposal.State.WG_REVIEW)
    log_in(page, "chair.pharma")

    panel = page.get_by_test_id("panel").filter(has_text="Сводки экспертизы")
    panel.get_by_role("link", name=group.name_ru).click()
    page.wait_for_url(f"**/groups/{group.code}/dashboard/")
    dashboard = page.get_by_test_id("dashboard")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Сводка экспертизы")
    # Ranked by the weighted score: the reviewed proposal first, with its reviews counted.
    first = dashboard.locator("tbody tr").first
    expect(first).to_contain_text(reviewed.title)
    expect(first.get_by_test_id("reviews-count")).to_have_text("1 / 2")
    expect(dashboard.locator('th[data-sort="score"]')).to_have_attribute("aria-sort", "descending")
    screenshot("1-ranked")

    dashboard.locator('th[data-sort="title"] a').click()
    expect(dashboard.locator('th[data-sort="title"]')).to_have_attribute("aria-sort", "ascending")
    titles = dashboard.locator("tbody tr td:nth-child(2) a").all_inner_texts()
    assert titles == sorted(titles)
    for title in NEW:
        page.get_by_label(f"Назначить экспертов на «{title}»").check()
    screenshot("2-ticked")

    page.get_by_test_id("suggest").click()
    plan = page.get_by_test_id("plan")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Предлагаемое назначение")
    for title in NEW:
        expect(
            row_of(plan, title).get_by_test_id("pair").and_(page.locator(":checked"))
        ).to_have_count(2)
    # The chair keeps one expert for the second proposal.
    row_of(plan, NEW[1]).get_by_test_id("pair").last.uncheck()
    screenshot("3-suggestion")

    page.get_by_test_id("confirm").click()
    page.wait_for_url(f"**/groups/{group.code}/dashboard/")
    expect(page.get_by_role("alert").filter(has_text="Эксперты назначены")).to_be_visible()
    expect(row_of(dashboard, NEW[0]).get_by_test_id("assigned-count")).to_have_text(
        "назначено 2 эксперта"
    )
    expect(row_of(dashboard, NEW[1]).get_by_test_id("assigned-count")).to_have_text(
        "назначен 1 эксперт"
    )
    expect(row_of(dashboard, NEW[0])).to_contain_text("На экспертизе")
    screenshot("4-assigned")
    assert Assignment.objects.filter(proposal__title__in=NEW).count() == 3
