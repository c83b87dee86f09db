"""The caller's own notices, as the notices page shows them: the list, one marked read, all
marked read, and which of them also come by e-mail. Nobody sees another person's notices."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api import forms as page_forms
from api.schema import refusals
from api.views import AtomicWrites
from mbk.serializers import CharField, ModelSerializer
from workflow import services
from workflow.models import Notice
from workflow.views import EmailNoticesForm


class NoticeSerializer(ModelSerializer):
    category_label = CharField(source="get_category_display")

    class Meta:
        model = Notice
        fields = ["id", "text", "url", "category", "category_label", "created_at", "read_at"]


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="how many notices were unread and are read now")


class EmailChoiceSerializer(serializers.Serializer):
    categories = serializers.ListField(
        child=CharField(),
        help_text="the categories of notices also sent by e-mail (as `category` names them)",
    )


class NoticeViewSet(AtomicWrites, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NoticeSerializer
    queryset = Notice.objects.none()  # for the schema; get_queryset() chooses the rows
    filter_backends = []

    def get_queryset(self):
        return self.request.user.notices.order_by("-created_at", "-pk")

    @extend_schema(responses={200: NoticeSerializer(many=True), **refusals(401)})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    # 403: a write refused to the caller (the API's rule for every write); none is expected here.
    @extend_schema(request=None, responses={200: NoticeSerializer, **refusals(401, 403, 404)})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notice = get_object_or_404(
            Notice, pk=pk if str(pk).isdigit() else 0, recipient=request.user
        )
        services.notice_mark_read(notice_ids=[notice.pk], by=request.user)
        notice.refresh_from_db()
        return Response(NoticeSerializer(notice).data)

    @extend_schema(request=None, responses={200: MarkedSerializer, **refusals(401, 403)})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        marked = services.notice_mark_read(notice_ids=None, by=request.user)
        return Response(MarkedSerializer({"marked": marked}).data)

    @extend_schema(methods=["GET"], responses={200: EmailChoiceSerializer, **refusals(401)})
    @extend_schema(
        methods=["POST"],
        request=EmailChoiceSerializer,
        responses={200: EmailChoiceSerializer, **refusals(400, 401, 403)},
        description="Which notices the caller also gets by e-mail (they always appear here).",
    )
    @action(detail=False, methods=["get", "post"], url_path="e-mail", pagination_class=None)
    def email(self, request):
        if request.method == "POST":
            EmailChoiceSerializer(data=request.data).is_valid(raise_exception=True)
            form = page_forms.checked(EmailNoticesForm, request.data)
            services.email_notices_choose(by=request.user, wanted=form.cleaned_data["categories"])
        muted = request.user.email_muted or []
        wanted = [c for c in Notice.Category.values if c not in muted]
        return Response(
            EmailChoiceSerializer({"categories": wanted}).data, status=status.HTTP_200_OK
        )
