"""The review dashboard's assignment of many proposals at once, as its page makes it
(documents/views/dashboard.py, review_dashboard_assign): the suggested assignment of the group's
experts to the proposals asked for, and the assignment the chair or secretary confirms, checked
by the page's form (BulkAssignmentForm) and run by its service
(transitions.assignments_bulk_create): one stale proposal (409), one refused pair (409) or one
forbidden proposal (403), and nothing is assigned, nobody is notified."""

from django.shortcuts import get_object_or_404
from django.utils.datastructures import MultiValueDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.forms import NOT_FOUND, errors_of
from api.schema import refusals
from api.serializers import PersonSerializer
from api.views import AtomicWrites
from directory.models import Body
from documents import review_dashboard, rules, transitions
from documents.models import Assignment
from documents.review_forms import BulkAssignmentForm
from mbk.lookups import LARGEST_ID
from mbk.serializers import CharField


class ProposalRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = CharField()
    edition = serializers.IntegerField(help_text="send it back with the assignment")


class ProposalPlanSerializer(serializers.Serializer):
    proposal = ProposalRefSerializer()
    assigned = PersonSerializer(many=True, help_text="already assigned")
    suggested = PersonSerializer(many=True, help_text="the suggestion")
    candidates = PersonSerializer(many=True, help_text="every expert who may be assigned")
    conflicted = PersonSerializer(many=True, help_text="experts with a conflict of interest")
    short = serializers.IntegerField(help_text="reviewers still missing after the suggestion")


class LoadSerializer(serializers.Serializer):
    expert = PersonSerializer()
    open_before = serializers.IntegerField(help_text="open assignments in all groups now")
    open_after = serializers.IntegerField(help_text="with the suggestion")


class PlanSerializer(serializers.Serializer):
    required_reviews = serializers.IntegerField(help_text="reviewers each proposal gets")
    proposals = ProposalPlanSerializer(many=True)
    loads = LoadSerializer(many=True)


class AssignmentRowSerializer(serializers.Serializer):
    proposal = serializers.IntegerField(min_value=1, max_value=LARGEST_ID)
    edition = serializers.IntegerField(
        min_value=0, max_value=LARGEST_ID, help_text="the proposal's edition the plan showed"
    )
    experts = serializers.ListField(child=CharField(), help_text="the logins of experts to add")


class AssignmentSerializer(serializers.Serializer):
    assignments = AssignmentRowSerializer(many=True)


class AssignedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = CharField()
    state = CharField()
    edition = serializers.IntegerField()
    experts = serializers.SerializerMethodField()

    def get_experts(self, proposal) -> list[str]:
        return self.context["experts"].get(proposal.pk, [])


PROPOSALS = OpenApiParameter(
    "proposal",
    OpenApiTypes.INT,
    many=True,
    explode=True,
    description="the proposals to assign (repeat it); those that take no experts are left out",
)


def _ids(values: list[str]) -> list[int]:
    return sorted({int(v) for v in values if v.isascii() and v.isdigit() and int(v) <= 2**31})


def _form_data(rows: list[dict], experts: list) -> MultiValueDict:
    """The page's POST for these rows: `proposal`, `pair` "<proposal>:<expert>" and
    `edition-<proposal>`; a login that is no expert of the group names nobody."""
    by_login = {expert.username: str(expert.pk) for expert in experts}
    data = MultiValueDict()
    for row in rows:
        proposal = row["proposal"]
        data.appendlist("proposal", str(proposal))
        data[f"edition-{proposal}"] = str(row["edition"])
        for login in row["experts"]:
            data.appendlist("pair", f"{proposal}:{by_login.get(login, NOT_FOUND)}")
    return data


class ReviewAssignmentViewSet(AtomicWrites, viewsets.ViewSet):
    lookup_field = "group"
    lookup_value_regex = r"[a-z0-9-]+"

    @extend_schema(
        methods=["GET"],
        parameters=[PROPOSALS],
        responses={200: PlanSerializer, **refusals(401, 403, 404)},
        description="The suggested assignment of the group's experts to these proposals "
        "(the group's chair and secretary).",
    )
    @extend_schema(
        methods=["POST"],
        request=AssignmentSerializer,
        responses={200: AssignedSerializer(many=True), **refusals(400, 401, 403, 404, 409)},
        description="Assign the experts to the proposals, each with the `edition` the plan "
        "showed, and notify them; a newer edition of any (409 `stale`) or one refused pair "
        "(409) and nothing is assigned.",
    )
    @action(detail=True, methods=["get", "post"])
    def assignment(self, request, group=None):
        found = get_object_or_404(Body, code=group, kind__in=Body.WORKING_GROUPS)
        rules.require(rules.can_assign_in_bulk, request.user, found)
        if request.method == "GET":
            return self._plan(request, found)
        given = AssignmentSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        rows = given.validated_data["assignments"]
        proposals = review_dashboard.assignable(
            request.user, found, _ids([str(row["proposal"]) for row in rows])
        )
        experts = review_dashboard.group_experts(found)
        form = BulkAssignmentForm(_form_data(rows, experts), proposals=proposals, experts=experts)
        if not form.is_valid():
            raise serializers.ValidationError(errors_of(form))
        done = transitions.assignments_bulk_create(
            group_id=found.pk,
            by=request.user,
            experts=form.cleaned_data["experts"],
            editions=form.cleaned_data["editions"],
        )
        assigned: dict[int, list[str]] = {}
        rows = Assignment.objects.filter(proposal__in=done).order_by("expert__username")
        for proposal_id, login in rows.values_list("proposal_id", "expert__username"):
            assigned.setdefault(proposal_id, []).append(login)
        shown = AssignedSerializer(done, many=True, context={"experts": assigned})
        return Response(shown.data)

    def _plan(self, request, group: Body) -> Response:
        ids = _ids(request.query_params.getlist("proposal"))
        plan = review_dashboard.suggest_assignment(
            group, review_dashboard.assignable(request.user, group, ids)
        )
        data = {
            "required_reviews": group.required_reviews,
            "proposals": plan.proposals,
            "loads": [
                {"expert": expert, "open_before": before, "open_after": after}
                for expert, before, after in plan.loads
            ],
        }
        return Response(PlanSerializer(data).data)
