"""Refusals that every layer raises; the workflow error middleware (and the API's exception
handler) turns them into a 409 answer with the message."""

from django.utils.translation import gettext_lazy as _


class ActionRefusedError(Exception):
    """The action is known and allowed to this person, but the object's situation does not
    allow it now (a closed call, missing reviews, an incomplete proposal...)."""

    def __init__(self, message, problems: list[str] | None = None):
        super().__init__(str(message))
        self.message = message
        self.problems = problems or []


class StaleObjectError(ActionRefusedError):
    """The person acted on a page drawn before someone else changed the object (a proposal, a
    section, a programme version, a meeting...)."""

    def __init__(self):
        super().__init__(
            _(
                "Someone else changed this item after you opened the page. Nothing was saved: "
                "reload the page, check the changes and try again."
            )
        )
