"""What the programme's pages do, through the API: the office adds, orders, removes and brings
back sections; the owners write a section's text and its table; the version's PDF is asked
for; the registry of anchor projects and the summary tables are exported. The pages' forms
check the bodies and the pages' services run them."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api import forms as page_forms
from api import serializers as s
from api import views
from api.schema import refusals
from mbk import spreadsheets
from mbk.serializers import CharField
from mbk.text import MULTILINE
from programme import assembly, exports, rules, selectors, services
from programme.forms import SectionAddForm, SectionTextForm, row_formset
from programme.markdown import to_html
from programme.models import SectionRevision

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SectionAddSerializer(serializers.Serializer):
    code = CharField(help_text="Latin letters, digits and hyphens")
    title_ru = CharField()
    title_en = CharField()
    owner = CharField(help_text="the owning body's code (a working group or the office)")
    table = CharField(required=False, allow_blank=True, help_text="indicators, activities, …")


class SectionTextSerializer(serializers.Serializer):
    text = CharField(required=False, allow_blank=True, style=MULTILINE, help_text="Markdown")
    rows = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="the table's rows, as `current.rows` shows them (a section with a table)",
    )
    edition = serializers.IntegerField(
        required=False, min_value=0, help_text="the latest revision's edition you read"
    )


class SectionMoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["up", "down"])


class SectionRemoveSerializer(serializers.Serializer):
    restore = serializers.BooleanField(default=False, help_text="true: bring the section back")


class PreviewSerializer(serializers.Serializer):
    text = CharField(required=False, allow_blank=True, style=MULTILINE)


class PreviewAnswerSerializer(serializers.Serializer):
    html = CharField(help_text="the sanitised HTML of the text")


def _row_data(rows) -> MultiValueDict:
    """The edit page's formset data for the rows sent (every row sent is a row to check)."""
    data = MultiValueDict()
    rows = rows if isinstance(rows, list) else []
    data["rows-TOTAL_FORMS"] = str(len(rows))
    data["rows-INITIAL_FORMS"] = str(len(rows))
    data["rows-MIN_NUM_FORMS"] = "0"
    data["rows-MAX_NUM_FORMS"] = "1000"
    for n, row in enumerate(rows):
        row = row if isinstance(row, dict) else {}
        for name, value in row.items():
            if name == "targets" and isinstance(value, dict):
                for year, target in value.items():
                    data[f"rows-{n}-target_{year}"] = "" if target is None else str(target)
            elif name != "DELETE":
                data[f"rows-{n}-{name}"] = "" if value is None else str(value)
    return data


def _row_errors(formset) -> dict[str, list[str]]:
    errors = {}
    for n, form_errors in enumerate(formset.errors):
        for field, messages in form_errors.items():
            key = f"rows[{n}]" if field == "__all__" else f"rows[{n}].{field}"
            if field.startswith("target_"):
                key = f"rows[{n}].targets.{field.removeprefix('target_')}"
            errors[key] = [str(m) for m in messages]
    if formset.non_form_errors():
        errors["rows"] = [str(m) for m in formset.non_form_errors()]
    return errors


class SectionViewSet(views.SectionViewSet):
    def _section_answer(self, pk: int, code=status.HTTP_200_OK) -> Response:
        section = selectors.get_visible_section_or_404(self.request.user, pk)
        return Response(s.SectionSerializer(section).data, status=code)

    @extend_schema(
        request=SectionAddSerializer,
        responses={201: s.SectionSerializer, **refusals(400, 401, 403, 404, 409)},
        description="The programme office adds a section to the current programme.",
    )
    def create(self, request, *args, **kwargs):
        rules.require(rules.can_manage_sections, request.user)
        programme = selectors.current_programme()
        if programme is None:
            raise Http404
        form = page_forms.checked(SectionAddForm, request.data, programme=programme)
        section = services.section_add(
            programme_id=programme.pk, by=request.user, **form.cleaned_data
        )
        return self._section_answer(section.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=SectionTextSerializer,
        responses={200: s.SectionSerializer, **refusals(400, 401, 403, 404, 409)},
        description="The owners write the section's text and its table (the whole table: rows "
        "left out are removed). A section's first text needs no `edition`; afterwards the "
        "latest revision's edition is required.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def text(self, request, pk=None):
        section = self.get_object()
        current = services.latest_revision(section)
        if current is not None and current.state not in SectionRevision.EDITABLE:
            raise TransitionNotAllowed("not editable", object=current)
        allowed = (
            rules.can_edit_section(request.user, current)
            if current
            else rules.is_section_writer(request.user, section)
        )
        if not allowed:
            raise PermissionDenied
        payload = request.data if isinstance(request.data, dict) else {}
        form = page_forms.bound(SectionTextForm, payload)
        rows = row_formset(section, [], _row_data(payload.get("rows", [])))
        errors = {} if form.is_valid() else page_forms.errors_of(form)
        if rows is not None and not rows.is_valid():
            errors.update(_row_errors(rows))
        elif rows is None and payload.get("rows"):
            errors["rows"] = [_("This section has no table.")]
        if current is not None and form.is_valid() and form.cleaned_data["edition"] is None:
            errors["edition"] = [str(serializers.Field.default_error_messages["required"])]
        if errors:
            raise ValidationError(errors)
        services.section_write(
            section_id=section.pk,
            by=request.user,
            text=form.cleaned_data["text"],
            rows=rows.rows() if rows is not None else [],
            seen_edition=form.cleaned_data["edition"] if current else None,
        )
        return self._section_answer(section.pk)

    @extend_schema(
        request=PreviewSerializer,
        responses={200: PreviewAnswerSerializer, **refusals(400, 401, 403, 404)},
        description="The sanitised HTML of a text, as the section would show it.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def preview(self, request, pk=None):
        section = self.get_object()
        if not rules.is_section_writer(request.user, section):
            raise PermissionDenied
        incoming = PreviewSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        text = incoming.validated_data.get("text", "")[:200_000]
        return Response(PreviewAnswerSerializer({"html": to_html(text)}).data)

    @extend_schema(
        request=SectionMoveSerializer,
        responses={200: s.SectionSerializer, **refusals(400, 401, 403, 404, 409)},
        description="The programme office moves the section one place up or down.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def move(self, request, pk=None):
        section = self.get_object()
        incoming = SectionMoveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        step = -1 if incoming.validated_data["direction"] == "up" else 1
        services.section_move(section_id=section.pk, by=request.user, step=step)
        return self._section_answer(section.pk)

    @extend_schema(
        request=SectionRemoveSerializer,
        responses={200: s.SectionSerializer, **refusals(400, 401, 403, 404, 409)},
        description="The programme office removes the section from the programme, or brings a "
        "removed one back (`restore`).",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def remove(self, request, pk=None):
        section = self.get_object()
        incoming = SectionRemoveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.section_remove(
            section_id=section.pk, by=request.user, restore=incoming.validated_data["restore"]
        )
        return self._section_answer(section.pk)


DIRECTION = OpenApiParameter(
    "direction", OpenApiTypes.STR, description="only this direction's projects (its code)"
)


class ProgrammeVersionViewSet(views.ProgrammeVersionViewSet):
    @extend_schema(
        methods=["GET"], responses={200: s.RenderJobSerializer(many=True), **refusals(401, 404)}
    )
    @extend_schema(
        methods=["POST"],
        request=None,
        responses={202: s.RenderJobSerializer, **refusals(401, 403, 404, 409)},
        description="Asks for the programme's PDF of this version, in the caller's language.",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def documents(self, request, pk=None):
        version = self.get_object()
        if request.method == "GET":
            jobs = selectors.programme_jobs(request.user, version, limit=50)
            return Response(s.RenderJobSerializer(jobs, many=True).data)
        job = services.programme_document_request(
            version_id=version.pk, by=request.user, language=get_language()
        )
        return Response(s.RenderJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[DIRECTION],
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY), **refusals(401, 404)},
        description="The registry of anchor projects of the version (XLSX), as its page "
        "exports it.",
    )
    @action(detail=True, methods=["get"], url_path="registry", filter_backends=[])
    def registry(self, request, pk=None):
        version = self.get_object()
        snapshot = assembly.snapshot_of(version)
        code = request.query_params.get("direction") or None
        if code is not None and code not in {d["code"] for d in snapshot["directions"]}:
            raise Http404
        rows = exports.registry_table(snapshot, code)
        content = spreadsheets.xlsx({"Реестр якорных проектов": rows})
        return _download(content, f"registry-v{version.number}.xlsx")

    @extend_schema(
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY), **refusals(401, 404)},
        description="The office's summary tables (XLSX): financing by direction and year, "
        "instruments by direction.",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def summary(self, request, pk=None):
        version = self.get_object()
        content = spreadsheets.xlsx(exports.summary_tables(assembly.snapshot_of(version)))
        return _download(content, f"summary-v{version.number}.xlsx")


def _download(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
