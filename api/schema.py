"""The refusals each endpoint documents, in the shape api/exceptions.py gives them."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="invalid, not_authenticated, authentication_failed, permission_denied, "
        "not_found, wrong_state, stale, refused, throttled"
    )
    message = serializers.CharField(help_text=_("in the caller's language"))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("400 only: messages by field"),
    )
    problems = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_("409 only: what stands in the way"),
    )


DESCRIPTIONS = {
    400: "Invalid input: `errors` by field; nothing was changed.",
    401: "No credentials, or a token unknown or revoked.",
    403: "The caller sees the object but may not do this; nothing was changed.",
    404: "No such object, or one the caller may not see.",
    409: "The object's state does not allow it (`wrong_state`), someone changed it since the "
    "caller read it (`stale`), or its situation does not allow it yet (`refused`, with "
    "`problems`); nothing was changed.",
    413: "The upload is larger than the limit.",
}


def refusals(*codes: int) -> dict:
    return {
        code: OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[code]) for code in codes
    }
