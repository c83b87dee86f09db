"""What the calls', proposals' and register's pages do besides what api/views.py has: a call
opened, proposals imported from the XLSX template (checked, then run), the co-authors of a
proposal, the register and a group's review scores as XLSX, and the search. The pages' forms
check the bodies and the pages' services run them."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api import forms as page_forms
from api import serializers as s
from api import views
from api.schema import refusals
from directory.models import Body
from documents import imports, review_dashboard, rules, services
from documents import register as registry
from documents import search as engine
from documents.forms import CallForm, CoauthorsForm
from documents.models import Call
from documents.views.register import _form as register_filters
from mbk import spreadsheets
from mbk.exceptions import ActionRefusedError
from mbk.serializers import CharField

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPREADSHEET = {(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY)}


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Calls ---------------------------------------------------------------------------------
class CallCreateSerializer(serializers.Serializer):
    title_ru = CharField()
    title_en = CharField()
    directions = serializers.ListField(child=CharField(), help_text="the directions' codes")
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    first_year = serializers.IntegerField()
    last_year = serializers.IntegerField()
    guide = CharField(required=False, allow_blank=True)


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="the call's filled-in XLSX template")
    mode = serializers.ChoiceField(
        choices=["check", "import"],
        default="check",
        help_text="check: only check the rows; import: create the drafts if no row has an error",
    )


class ImportRowSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="the spreadsheet's row")
    title = CharField()
    organisation = CharField()
    author = CharField()
    budget_total = serializers.DecimalField(max_digits=18, decimal_places=2)
    errors = serializers.ListField(child=CharField())


class ImportResultSerializer(serializers.Serializer):
    imported = serializers.BooleanField(help_text="true once the drafts are created")
    failed = serializers.IntegerField(help_text="rows with errors (then nothing is created)")
    rows = ImportRowSerializer(many=True)


class CallViewSet(views.CallViewSet):
    @extend_schema(
        request=CallCreateSerializer,
        responses={201: s.CallSerializer, **refusals(400, 401, 403)},
        description="The programme office opens a call for proposals.",
    )
    def create(self, request, *args, **kwargs):
        rules.require(rules.can_manage_calls, request.user)
        form = page_forms.checked(CallForm, request.data)
        data = form.cleaned_data
        call = services.call_open(
            by=request.user, **{**data, "directions": list(data["directions"])}
        )
        shown = Call.objects.prefetch_related("directions").get(pk=call.pk)
        return Response(s.CallSerializer(shown).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses={200: ImportResultSerializer, **refusals(400, 401, 403, 404, 409)},
        description="The programme office imports proposals from the call's XLSX template: "
        "`check` reports every row; `import` creates the drafts when no row has an error "
        "(otherwise it reports them, 400, and creates nothing).",
    )
    @action(detail=True, methods=["post"], url_path="import", filter_backends=[])
    def import_proposals(self, request, pk=None):
        call = self.get_object()
        if not rules.can_import_proposals(request.user):
            raise PermissionDenied
        incoming = ImportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        dry_run = incoming.validated_data["mode"] != "import"
        try:
            results = imports.proposals_import(
                call_id=call.pk,
                by=request.user,
                upload=incoming.validated_data["file"],
                dry_run=dry_run,
            )
        except ActionRefusedError as refused:
            if isinstance(refused.message, str) and call.is_open():
                raise ValidationError({"file": [str(refused.message)]}) from None
            raise
        failed = sum(1 for r in results if r.errors)
        data = {"imported": not dry_run and not failed, "failed": failed, "rows": results}
        code = status.HTTP_400_BAD_REQUEST if failed and not dry_run else status.HTTP_200_OK
        return Response(ImportResultSerializer(data).data, status=code)

    @extend_schema(
        responses={**SPREADSHEET, **refusals(401, 403, 404)},
        description="The call's XLSX template for the import.",
    )
    @action(detail=True, methods=["get"], url_path="import-template", filter_backends=[])
    def import_template(self, request, pk=None):
        call = self.get_object()
        if not rules.can_import_proposals(request.user):
            raise PermissionDenied
        return _xlsx(imports.template(call), f"proposals-call-{call.pk}.xlsx")


# --- Co-authors ----------------------------------------------------------------------------
class CoauthorsSerializer(serializers.Serializer):
    coauthors = serializers.ListField(child=CharField(), help_text="user names")
    edition = serializers.IntegerField(min_value=0)


class ProposalViewSet(views.ProposalViewSet):
    @extend_schema(
        methods=["GET"], responses={200: s.PersonSerializer(many=True), **refusals(401, 404)}
    )
    @extend_schema(
        methods=["POST"],
        request=CoauthorsSerializer,
        responses={200: s.PersonSerializer(many=True), **refusals(400, 401, 403, 404, 409)},
        description="The principal author names the co-authors (colleagues of the same "
        "organisation), with the proposal's `edition`: the list replaces the former one.",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def coauthors(self, request, pk=None):
        proposal = self.get_object()
        if request.method == "POST":
            rules.require(rules.can_manage_coauthors, request.user, proposal)
            form = page_forms.checked(CoauthorsForm, request.data, proposal=proposal)
            services.proposal_set_coauthors(
                proposal_id=proposal.pk,
                by=request.user,
                coauthors=list(form.cleaned_data["coauthors"]),
                seen_edition=form.cleaned_data["edition"],
            )
        people = proposal.coauthors.order_by("last_name", "first_name", "pk")
        return Response(s.PersonSerializer(people, many=True).data)


# --- The register, a group's reviews, the search --------------------------------------------
class HitSerializer(serializers.Serializer):
    kind = CharField(help_text="proposal or section")
    title = CharField()
    url = CharField(help_text="the page of what was found")
    fragment = CharField(help_text="HTML: the text around the words found, in <mark>")
    state_label = CharField()


class ExportViewSet(viewsets.ViewSet):
    """Spreadsheets and the search, for who may open the pages they come from."""

    @extend_schema(
        parameters=[
            OpenApiParameter(name, OpenApiTypes.STR)
            for name in ("call", "direction", "state", "organisation", "q", "sort")
        ],
        responses={**SPREADSHEET, **refusals(401, 403, 404, 409)},
        description="The register's proposals for these filters (as its page takes them), "
        "all pages of them, as XLSX.",
    )
    @action(detail=False, methods=["get"], url_path="register")
    def register(self, request):
        rules.require(rules.can_open_register, request.user)
        form = register_filters(request._request)
        filters = form.filters()
        proposals = registry.rows(request.user, filters)
        count = proposals.count()
        if count > registry.EXPORT_LIMIT:
            raise ActionRefusedError(
                _(
                    "Proposals matching: %(count)s; a spreadsheet holds at most %(limit)s. "
                    "Narrow the filters and export again."
                )
                % {"count": count, "limit": registry.EXPORT_LIMIT}
            )
        content = spreadsheets.xlsx({"Реестр заявок": registry.table(proposals)})
        name = f"register-call-{filters.call.pk}" if filters.call else "register"
        return _xlsx(content, f"{name}.xlsx")

    @extend_schema(
        responses={**SPREADSHEET, **refusals(401, 403, 404)},
        description="The review scores of a working group's proposals, as XLSX.",
    )
    @action(detail=False, methods=["get"], url_path=r"reviews/(?P<group>[a-z0-9-]+)")
    def reviews(self, request, group=None):
        found = get_object_or_404(Body, code=group, kind__in=Body.WORKING_GROUPS)
        rules.require(rules.can_open_review_dashboard, request.user, found)
        content = review_dashboard.reviews_workbook(request.user, found)
        return _xlsx(content, f"reviews-{found.code}.xlsx")


class SearchViewSet(viewsets.ViewSet):
    @extend_schema(
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="the words to find")],
        responses={200: HitSerializer(many=True), **refusals(401)},
        description="What the caller may see that holds these words, best first.",
    )
    def list(self, request):
        text = str(request.query_params.get("q", ""))[:200].strip()
        hits = engine.search(request.user, text) if text else []
        return Response(HitSerializer(hits, many=True).data)
