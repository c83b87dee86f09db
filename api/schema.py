"""The refusals each endpoint documents, in the shape api/exceptions.py gives them."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from mbk.serializers import CharField


class ErrorSerializer(serializers.Serializer):
    code = CharField(
        help_text="invalid, not_authenticated, authentication_failed, permission_denied, "
        "not_found, wrong_state, stale, refused, throttled"
    )
    message = CharField(help_text=_("in the caller's language"))
    errors = serializers.DictField(
        child=serializers.ListField(child=CharField()),
        required=False,
        help_text=_("400 only: messages by field"),
    )
    problems = serializers.ListField(
        child=CharField(),
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
    415: "The body is not in a media type the operation reads (JSON, or a multipart form), or "
    "it cannot be read as one; nothing was changed.",
    429: "Too many requests from this caller: `Retry-After` says in how many seconds to try "
    "again; nothing was changed.",
}
PAGE_NOT_FOUND = "No such page: `page` is past the last page, or not a number."


def refusals(*codes: int) -> dict:
    return {
        code: OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[code]) for code in codes
    }


def document_common_answers(result, generator, request, public):
    """A hook of the schema's generation (SPECTACULAR_SETTINGS): the answers an operation gives
    whatever its view declares: 429 on every one, 415 on those that read a body, and on the
    paginated lists the 400 of a page size that is not a number and the 404 of a page past
    the end."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for item in result["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            answers = operation["responses"]
            answers.setdefault("429", {"content": error, "description": DESCRIPTIONS[429]})
            if "requestBody" in operation:
                answers.setdefault("415", {"content": error, "description": DESCRIPTIONS[415]})
            if any(p["name"] == "page" for p in operation.get("parameters", [])):
                answers.setdefault("400", {"content": error, "description": DESCRIPTIONS[400]})
                answers.setdefault("404", {"content": error, "description": PAGE_NOT_FOUND})
            operation["responses"] = dict(sorted(answers.items()))
    return result
