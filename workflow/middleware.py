"""One place that turns refused workflow actions into answers people understand."""

import logging

from django.shortcuts import render
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from mbk.exceptions import ActionRefusedError

logger = logging.getLogger(__name__)


class WorkflowErrorMiddleware:
    """A transition that is not allowed in the object's current state, or that lost a race
    with another change, is a 409 with nothing changed: the service's transaction rolled back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ActionRefusedError):
            logger.info("Refused %s %s: %s", request.method, request.path, exception)
            context = {"message": exception.message, "problems": exception.problems}
            return render(request, "409.html", context, status=409)
        if not isinstance(exception, TransitionNotAllowed | ConcurrentTransition):
            return None
        logger.info("Refused %s %s: %s", request.method, request.path, exception)
        message = _(
            "This item has changed meanwhile and the action no longer applies to it. "
            "Please reload the page and check its current state."
        )
        return render(request, "409.html", {"message": message}, status=409)
