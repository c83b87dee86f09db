"""Every refusal of the API as JSON: a stable `code`, a `message` in the caller's language,
field `errors` for invalid input and `problems` where the service listed them.

    400 invalid          the input: `errors` by field ("budget_lines[1].amount": [...])
    401 not_authenticated / authentication_failed
    403 permission_denied  the caller sees the object but may not do this
    404 not_found          what the caller may not see does not exist for them (and any path
                           under /api/ that names nothing: `page_not_found`, the site's handler404)
    405 method_not_allowed
    409 wrong_state / stale / refused   the object's state, a newer edition, or the situation
    429 throttled          too many requests: `Retry-After` says in how many seconds to try again
"""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import defaults
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from mbk.exceptions import ActionRefusedError, StaleObjectError

logger = logging.getLogger(__name__)


def _conflict(code: str, message, problems=()) -> Response:
    body = {"code": code, "message": str(message)}
    if problems:
        body["problems"] = [str(p) for p in problems]
    return Response(body, status=status.HTTP_409_CONFLICT)


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field" or "rows[2].field": [messages]}."""
    if isinstance(detail, dict):
        errors = {}
        for key, value in detail.items():
            if isinstance(key, int) or str(key).isdecimal():  # a row of a list: rows[2]
                errors.update(_flatten(value, f"{prefix}[{key}]"))
                continue
            name = "" if key == "non_field_errors" else str(key)
            path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            errors.update(_flatten(value, path))
        return errors
    if isinstance(detail, list) and detail and all(isinstance(d, dict | list) for d in detail):
        errors = {}
        for n, value in enumerate(detail):
            errors.update(_flatten(value, f"{prefix}[{n}]"))
        return errors
    messages = [str(d) for d in detail] if isinstance(detail, list) else [str(detail)]
    return {prefix or "__all__": messages} if messages else {}


def handle(exc, context):
    if isinstance(exc, StaleObjectError):
        logger.info("API refused (stale): %s", exc)
        return _conflict("stale", exc.message)
    if isinstance(exc, ActionRefusedError):
        logger.info("API refused: %s", exc)
        return _conflict("refused", exc.message, exc.problems)
    if isinstance(exc, TransitionNotAllowed | ConcurrentTransition):
        logger.info("API refused (state): %s", exc)
        return _conflict(
            "wrong_state", _("The action is not possible in the object's current state.")
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "message": _("The request has errors: correct the fields named in «errors»."),
            "errors": _flatten(exc.detail),
        }
    elif isinstance(exc, exceptions.Throttled):
        response.data = {"code": exc.default_code, "message": throttled_message(exc.wait)}
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        response.data = {
            "code": getattr(detail, "code", None) or exc.default_code,
            "message": str(detail),
        }
    return response


def throttled_message(wait: int | None) -> str:
    """DRF's own message leaves its second sentence untranslated («… Expected available in 259
    seconds.»): one sentence of ours, the wait pluralised as the language wants it."""
    if wait is None:
        return _("Too many requests: try again later.")
    return ngettext(
        "Too many requests: try again in %(wait)d second.",
        "Too many requests: try again in %(wait)d seconds.",
        wait,
    ) % {"wait": wait}


def page_not_found(request, exception):
    """The site's handler404. A path under /api/ that no route matches (an id with a dot, an
    unknown transition, a version that is not a number) answers as every refusal of the API
    does; the pages keep their page."""
    if request.path.startswith("/api/"):
        body = {"code": "not_found", "message": str(exceptions.NotFound.default_detail)}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)
