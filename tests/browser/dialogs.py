"""The confirmation dialog of irreversible acts (static/js/confirm.js) as the browser tests
answer it."""


def confirm(page, button) -> None:
    """Press `button`, whose act asks first, then «Подтвердить» in the dialog, and wait for the
    page the form leads to. The click waits until the page has loaded: confirm.js is deferred,
    and a click before it runs would send the form unasked (milliseconds for a person, seconds
    on a busy CI machine)."""
    page.wait_for_load_state("load")
    button.click()
    with page.expect_navigation():
        page.get_by_test_id("confirm-ok").click()
