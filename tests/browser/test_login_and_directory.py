import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", "--password", "Demo-pass-1")
    settings.DEBUG = False


def test_demo_chair_logs_in_and_sees_the_directory_in_russian(demo, page, screenshot):
    page.goto("/")
    screenshot("login")
    page.get_by_label("Имя пользователя").fill("chair.pharma")
    page.get_by_label("Пароль").fill("Demo-pass-1")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/")
    screenshot("home")

    page.get_by_test_id("nav-more").click()
    page.get_by_role("link", name="Справочник кластера").first.click()
    page.wait_for_url("**/directory/")
    screenshot("directory")

    pharma = page.get_by_test_id("body-wg-pharma")
    assert "Рабочая группа «Фармацевтика и биомедицина»" in pharma.inner_text()
    assert "Волкова Ирина Сергеевна" in pharma.inner_text()
    assert "Гранты" in page.get_by_test_id("instruments").inner_text()


def test_language_switch_shows_english_and_sticks(demo, page, screenshot):
    page.goto("/accounts/login/")
    page.get_by_test_id("lang-en").click()
    page.get_by_label("Username").fill("author.biopharm")
    page.get_by_label("Password").fill("Demo-pass-1")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/")

    page.goto("/directory/")
    screenshot("directory-en")

    assert page.locator("html").get_attribute("lang") == "en"
    assert "Working group: Pharmaceuticals and biomedicine" in page.content()
    assert "Рабочая группа «Фармацевтика и биомедицина»" not in page.content()


def test_user_menu_opens_and_logs_out(demo, page):
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill("office")
    page.get_by_label("Пароль").fill("Demo-pass-1")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/")

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Выйти").click()

    page.wait_for_url("**/accounts/login/")
    assert page.get_by_test_id("login-submit").is_visible()


@pytest.mark.parametrize("width", [1280, 1024, 800])
def test_the_menu_fits_the_window_in_russian_with_every_item(demo, page, screenshot, width):
    """The programme office has the most menu items; the longest labels are Russian."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/")
    page.get_by_label("Имя пользователя").fill("office")
    page.get_by_label("Пароль").fill("Demo-pass-1")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/")
    screenshot(f"menu-{width}")

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    notices = page.get_by_test_id("notices-link").bounding_box()
    assert notices["x"] + notices["width"] <= width
    search = page.get_by_test_id("nav-search").bounding_box()
    assert search["x"] + search["width"] <= width
