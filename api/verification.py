"""`POST /api/v1/verify/`: the public verification of a PDF (signing/), the same answer as
the page `/verify/` and `manage.py verify_pdf`. No credentials needed; the file is not kept."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException, Throttled, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import throttle
from api.schema import refusals
from mbk.middleware import client_address
from mbk.serializers import CharField
from signing.forms import VerifyForm, declared_too_large, too_large_message
from signing.registry import verify_and_describe


class VerifyUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The PDF to verify (not kept).")


class SignatureSerializer(serializers.Serializer):
    name = CharField()
    role = CharField()
    serial = CharField()
    signed_at = serializers.DateTimeField(allow_null=True)
    timestamp_at = serializers.DateTimeField(allow_null=True)
    intact = serializers.BooleanField(help_text="The signed bytes are unchanged.")
    valid = serializers.BooleanField()
    trusted = serializers.BooleanField(help_text="Issued by the cluster's authority.")
    revoked = serializers.BooleanField()
    covers_whole_file = serializers.BooleanField()


class IssuedSerializer(serializers.Serializer):
    kind = CharField()
    title = CharField()
    reference = CharField()
    issued_at = serializers.DateTimeField()
    subject = CharField()
    decision = CharField()
    standing = CharField()
    newer = CharField(help_text="Empty when no newer document exists.")


class VerificationSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["genuine", "modified", "invalid", "foreign"])
    message = CharField(help_text="In the caller's language.")
    sha256 = CharField()
    signatures = SignatureSerializer(many=True)
    document = IssuedSerializer(allow_null=True)


def answer(report, description) -> dict:
    document = None
    if report.issued is not None:
        document = {
            "kind": report.issued.kind,
            "title": report.issued.title,
            "reference": report.issued.reference,
            "issued_at": report.issued.issued_at,
            "subject": description.subject if description else "",
            "decision": description.decision if description else "",
            "standing": description.standing if description else "",
            "newer": description.newer if description else "",
        }
    return {
        "verdict": report.verdict,
        "message": str(report.message),
        "sha256": report.sha256,
        "signatures": [
            {
                "name": signature.name,
                "role": signature.role,
                "serial": str(signature.certificate_serial or ""),
                "signed_at": signature.signed_at,
                "timestamp_at": signature.timestamp_at,
                "intact": signature.intact,
                "valid": signature.valid,
                "trusted": signature.trusted,
                "revoked": signature.revoked,
                "covers_whole_file": signature.covers_whole_file,
            }
            for signature in report.signatures
        ],
        "document": document,
    }


class TooLarge(APIException):
    status_code = 413
    default_code = "too_large"


class VerifyView(APIView):
    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser]
    throttle_classes = []  # counted in the database per client address, as the page does

    @extend_schema(
        request={"multipart/form-data": VerifyUploadSerializer},
        responses={200: VerificationSerializer, **refusals(400, 413, 415, 429)},
        auth=[],
    )
    def post(self, request):
        if declared_too_large(request._request):  # before the body is read
            raise TooLarge(too_large_message())
        if not throttle.allow(
            "verify-client",
            client_address(request._request),
            limit=settings.MBK_VERIFY_REQUESTS_PER_CLIENT_PER_HOUR,
        ):
            raise Throttled(wait=3600)
        form = VerifyForm(files=request.FILES)
        if not form.is_valid():
            raise ValidationError(form.errors)
        report, description = verify_and_describe(form.cleaned_data["file"].read())
        return Response(VerificationSerializer(answer(report, description)).data)
