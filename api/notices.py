"""The API of the programme office's notices: the texts of each kind of notice (list, read,
update, reset, preview), its messages (compose a draft, list, read, send, discard) and the
e-mails sent (list, send a failed one again). The same services and rules as the pages
(documents/views/notices.py); 403 for anyone but the office."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.schema import refusals
from api.views import AtomicWrites
from documents import outbox, rules
from documents.models import Call, OutboxMessage
from documents.outbox import STATES
from documents.views.notices import preview_params
from mbk import notice_kinds
from mbk.lookups import id_or_404
from mbk.serializers import CharField, ModelSerializer
from mbk.text import MULTILINE
from workflow import notice_texts
from workflow.models import MailRecord, NoticeTemplate

LANGUAGE = r"(?P<language>[^/.]+)"
PATH = [
    OpenApiParameter("kind", str, OpenApiParameter.PATH, description="documents.approved, ..."),
    OpenApiParameter("language", str, OpenApiParameter.PATH, enum=["ru", "en"]),
]


def _office(request) -> None:
    if not rules.can_manage_notices(request.user):
        raise PermissionDenied


class TextSerializer(serializers.Serializer):
    language = CharField(read_only=True)
    subject = CharField(max_length=200, allow_blank=True)
    body = CharField(max_length=500, allow_blank=True, style=MULTILINE)
    custom = serializers.BooleanField(read_only=True)
    edition = serializers.IntegerField(required=False, allow_null=True)


class NoticeKindSerializer(serializers.Serializer):
    key = CharField()
    label = CharField()
    default_text = CharField()
    placeholders = serializers.DictField(child=CharField(style=MULTILINE))
    required = serializers.ListField(child=CharField(style=MULTILINE))
    texts = TextSerializer(many=True)


class PreviewRequestSerializer(serializers.Serializer):
    proposal = serializers.IntegerField(required=False, allow_null=True)
    language = serializers.ChoiceField(choices=notice_texts.LANGUAGES, required=False)
    subject = CharField(max_length=200, required=False, allow_blank=True)
    body = CharField(max_length=500, required=False, allow_blank=True, style=MULTILINE)


class PreviewSerializer(serializers.Serializer):
    language = CharField()
    subject = CharField()
    text = CharField()


def _kind_data(kind: notice_kinds.NoticeKind, templates: dict) -> dict:
    texts = []
    for language in notice_texts.LANGUAGES:
        template = templates.get(language)
        texts.append(
            {
                "language": language,
                "subject": template.subject if template else "",
                "body": template.body if template else "",
                "custom": bool(template and template.is_custom),
                "edition": template.edition if template else 0,
            }
        )
    return {
        "key": kind.key,
        "label": str(kind.label),
        "default_text": str(kind.default_text()),
        "placeholders": {name: str(meaning) for name, meaning in kind.allowed.items()},
        "required": list(kind.required),
        "texts": texts,
    }


class NoticeTextViewSet(AtomicWrites, viewsets.ViewSet):
    lookup_field = "kind"
    lookup_value_regex = r"[^/]+"

    @extend_schema(responses={200: NoticeKindSerializer(many=True), **refusals(401, 403)})
    def list(self, request):
        _office(request)
        by_kind: dict[str, dict] = {}
        for template in NoticeTemplate.objects.all():
            by_kind.setdefault(template.kind, {})[template.language] = template
        rows = [_kind_data(k, by_kind.get(k.key, {})) for k in notice_kinds.all_kinds()]
        return Response(NoticeKindSerializer(rows, many=True).data)

    @extend_schema(responses={200: NoticeKindSerializer, **refusals(401, 403, 404)})
    def retrieve(self, request, kind=None):
        notice_kind = notice_texts.kind_or_404(kind)
        _office(request)
        templates = {t.language: t for t in NoticeTemplate.objects.filter(kind=kind)}
        return Response(NoticeKindSerializer(_kind_data(notice_kind, templates)).data)

    @extend_schema(
        request=TextSerializer,
        parameters=PATH,
        responses={200: TextSerializer, **refusals(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["put"], url_path=LANGUAGE)
    def update_text(self, request, kind=None, language=None):
        notice_texts.kind_or_404(kind, language)
        _office(request)
        given = TextSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        template = notice_texts.template_save(
            kind=kind,
            language=language,
            subject=given.validated_data["subject"],
            body=given.validated_data["body"],
            by=request.user,
            seen_edition=given.validated_data.get("edition"),
        )
        return Response(_text(template))

    @extend_schema(
        request=None, parameters=PATH, responses={200: TextSerializer, **refusals(401, 403, 404)}
    )
    @action(detail=True, methods=["post"], url_path=rf"{LANGUAGE}/reset")
    def reset(self, request, kind=None, language=None):
        notice_texts.kind_or_404(kind, language)
        _office(request)
        template = notice_texts.template_reset(kind=kind, language=language, by=request.user)
        return Response(_text(template))

    @extend_schema(
        request=PreviewRequestSerializer,
        responses={200: PreviewSerializer(many=True), **refusals(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def preview(self, request, kind=None):
        notice_kind = notice_texts.kind_or_404(kind)
        _office(request)
        given = PreviewRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        params, _proposal = preview_params(request.user, data.get("proposal"))
        drafts = None
        if data.get("body"):
            errors = notice_texts.check(
                notice_kind, subject=data.get("subject", ""), body=data["body"]
            )
            if errors:
                raise serializers.ValidationError(errors)
            drafts = {data.get("language", "ru"): (data.get("subject", ""), data["body"])}
        shown = notice_texts.preview(kind, params, drafts)
        rows = [
            {"language": language, "subject": subject, "text": text}
            for language, (subject, text) in shown.items()
        ]
        return Response(PreviewSerializer(rows, many=True).data)


def _text(template: NoticeTemplate) -> dict:
    return {
        "language": template.language,
        "subject": template.subject,
        "body": template.body,
        "custom": template.is_custom,
        "edition": template.edition,
    }


class MessageSerializer(ModelSerializer):
    call = serializers.PrimaryKeyRelatedField(
        queryset=Call.objects.all(), required=False, allow_null=True
    )
    states = serializers.ListField(
        child=serializers.ChoiceField(choices=[s.value for s in STATES]), required=False
    )
    recipients = serializers.SerializerMethodField()

    class Meta:
        model = OutboxMessage
        fields = [
            "id",
            "audience",
            "call",
            "states",
            "group",
            "subject_ru",
            "body_ru",
            "subject_en",
            "body_en",
            "status",
            "created_at",
            "decided_at",
            "recipients",
        ]
        read_only_fields = ["id", "status", "created_at", "decided_at", "recipients"]

    def get_recipients(self, message) -> list[str]:
        return [person.username for person in message.recipients.all()]


class OutboxViewSet(AtomicWrites, viewsets.ReadOnlyModelViewSet):
    serializer_class = MessageSerializer
    filter_backends = []

    def get_queryset(self):
        return OutboxMessage.objects.prefetch_related("recipients")

    def _message_or_404(self, pk) -> OutboxMessage:
        message = get_object_or_404(OutboxMessage, pk=id_or_404(pk))
        _office(self.request)
        return message

    @extend_schema(responses={200: MessageSerializer(many=True), **refusals(401, 403)})
    def list(self, request, *args, **kwargs):
        _office(request)
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: MessageSerializer, **refusals(401, 403, 404)})
    def retrieve(self, request, pk=None):
        return Response(MessageSerializer(self._message_or_404(pk)).data)

    @extend_schema(
        request=MessageSerializer, responses={201: MessageSerializer, **refusals(400, 401, 403)}
    )
    def create(self, request):
        _office(request)
        given = MessageSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        message = outbox.message_compose(
            by=request.user,
            audience_kind=data["audience"],
            call_id=data["call"].pk if data.get("call") else None,
            states=data.get("states", []),
            group_id=data["group"].pk if data.get("group") else None,
            **{k: data.get(k, "") for k in ("subject_ru", "body_ru", "subject_en", "body_en")},
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: MessageSerializer, **refusals(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        self._message_or_404(pk)
        message = outbox.message_send(message_id=id_or_404(pk), by=request.user)
        return Response(MessageSerializer(message).data)

    @extend_schema(request=None, responses={200: MessageSerializer, **refusals(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        self._message_or_404(pk)
        message = outbox.message_discard(message_id=id_or_404(pk), by=request.user)
        return Response(MessageSerializer(message).data)


class MailRecordSerializer(ModelSerializer):
    recipient = CharField(source="recipient.username")

    class Meta:
        model = MailRecord
        fields = [
            "id",
            "recipient",
            "address",
            "subject",
            "kind",
            "status",
            "error",
            "attempts",
            "created_at",
            "sent_at",
        ]


class MailRecordViewSet(AtomicWrites, viewsets.ReadOnlyModelViewSet):
    serializer_class = MailRecordSerializer
    filter_backends = []

    def get_queryset(self):
        rows = MailRecord.objects.select_related("recipient")
        for field in ("status", "kind"):
            if self.request.query_params.get(field):
                rows = rows.filter(**{field: self.request.query_params[field]})
        return rows

    @extend_schema(responses={200: MailRecordSerializer(many=True), **refusals(401, 403)})
    def list(self, request, *args, **kwargs):
        _office(request)
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: MailRecordSerializer, **refusals(401, 403, 404)})
    def retrieve(self, request, pk=None):
        record = get_object_or_404(MailRecord, pk=id_or_404(pk))
        _office(request)
        return Response(MailRecordSerializer(record).data)

    @extend_schema(request=None, responses={202: None, **refusals(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        get_object_or_404(MailRecord, pk=id_or_404(pk))
        _office(request)
        outbox.mail_retry(record_id=id_or_404(pk), by=request.user)
        return Response(status=status.HTTP_202_ACCEPTED)
