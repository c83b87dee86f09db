"""The confirmation dialog of irreversible acts (static/js/confirm.js) as the browser tests
answer it."""


def confirm(page) -> None:
    """Press «Подтвердить» in the open dialog and wait for the page the form leads to."""
    with page.expect_navigation():
        page.get_by_test_id("confirm-ok").click()
