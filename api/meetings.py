"""What the meeting page does, through the API: planning a meeting, the meeting's own table of
transitions (meetings/actions.py: the agenda, its publication, attendance, tasks, the minutes'
approval and signatures, cancelling and moving it), the minutes' PDF, the invitation and a
task marked done. Each body is checked by the page's own form and runs the page's service."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api import forms as page_forms
from api import serializers as s
from api import views
from api.schema import refusals
from directory.models import Body
from mbk.serializers import CharField
from meetings import actions, ics, rules, services
from meetings import forms as meeting_forms
from meetings.models import Meeting, Task

# The add-item form is a free item (a title) or a decision on something awaiting the body.
ALTERNATIVES = {
    meeting_forms.agenda_item_form: (meeting_forms.FreeItemForm, meeting_forms.SubjectItemForm)
}


def plannable_bodies(user):
    return Body.objects.filter(
        pk__in=[b.pk for b in Body.objects.all() if rules.can_plan_meetings(user, b)]
    )


class MeetingPlanSerializer(serializers.Serializer):
    """The body of `POST /meetings/` (the page's form checks it: MeetingPlanForm)."""

    body = CharField(help_text="the body's code")
    starts_at = serializers.DateTimeField()
    place = CharField(required=False, allow_blank=True)
    online_url = CharField(required=False, allow_blank=True)


@views.transitions_schema(
    actions.MEETING,
    s.MeetingSerializer,
    "Runs one of the meeting's transitions, as its page does, with the `edition` the caller "
    "read where the page sends one. People are named by their user names, groups by their "
    "codes, agenda items by their `id`; `add_item` takes a `title` (a free item) or `kind` "
    "(proposal, section, version), `subject_id` and `motion`.",
)
class MeetingViewSet(views.Transitions, views.MeetingViewSet):
    table = actions.MEETING

    def seen_of(self, meeting: Meeting) -> dict[str, int]:
        return {"edition": meeting.edition}

    def fields_of(self, transition) -> list[str]:
        make = transition.forms[actions.PAGE][1]
        names: list[str] = []
        for form_class in ALTERNATIVES.get(make, (make,)):
            names += [name for name in form_class.base_fields if name not in names]
        return names

    def run(self, request, meeting: Meeting, name: str) -> None:
        transition = self.table.get(name)
        if transition is None or actions.PAGE not in transition.forms:
            raise Http404
        make = transition.forms[actions.PAGE][1]
        form = page_forms.bound(make, request.data, meeting=meeting)
        if not form.is_valid():
            if form.not_found_when_invalid:
                raise Http404  # an item or subject nobody can pick on the page
            raise ValidationError(page_forms.errors_of(form))
        transition.run(
            meeting, by=request.user, seen=form.cleaned_data.get("edition"), **form.params()
        )

    @extend_schema(
        request=MeetingPlanSerializer,
        responses={201: s.MeetingSerializer, **refusals(400, 401, 403, 409)},
        description="The secretary, chair or deputy chair of a body plans its next meeting.",
    )
    def create(self, request, *args, **kwargs):
        bodies = plannable_bodies(request.user)
        if not bodies.exists():
            raise PermissionDenied
        form = page_forms.checked(meeting_forms.MeetingPlanForm, request.data, bodies=bodies)
        data = form.cleaned_data
        meeting = services.meeting_plan(
            body_id=data["body"].pk,
            by=request.user,
            starts_at=data["starts_at"],
            place=data["place"],
            online_url=data["online_url"],
        )
        self.kwargs["pk"] = meeting.pk
        return Response(self.get_serializer(self.get_object()).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={202: s.RenderJobSerializer, **refusals(401, 403, 404, 409)},
        description="Asks for the PDF of the minutes (a draft while the record is open), in "
        "the caller's language.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def minutes(self, request, pk=None):
        meeting = self.get_object()
        job = services.minutes_document_request(
            meeting_id=meeting.pk, by=request.user, language=get_language()
        )
        return Response(s.RenderJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={
            (200, "text/calendar"): OpenApiResponse(OpenApiTypes.BINARY),
            **refusals(401, 404),
        },
        description="The meeting's invitation as an iCalendar file.",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def invitation(self, request, pk=None):
        meeting = self.get_object()
        agenda = [str(item) for item in meeting.items.order_by("position")]
        response = HttpResponse(
            ics.invitation(meeting, agenda), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
        return response


class TaskViewSet(views.AtomicWrites, viewsets.GenericViewSet):
    """A task a meeting set: its responsible person, group or whoever runs the meeting marks
    it done."""

    queryset = Task.objects.none()
    serializer_class = s.TaskSerializer
    filter_backends = []

    @extend_schema(request=None, responses={200: s.TaskSerializer, **refusals(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        task = get_object_or_404(Task.objects.select_related("meeting__body"), pk=_id_or_404(pk))
        if not rules.can_view_meeting(request.user, task.meeting) and not rules.can_complete_task(
            request.user, task
        ):
            raise Http404
        task = services.task_done(task_id=task.pk, by=request.user)
        shown = Task.objects.select_related("responsible_person", "responsible_body").get(
            pk=task.pk
        )
        return Response(s.TaskSerializer(shown).data)


def _id_or_404(value) -> int:
    if not (str(value).isascii() and str(value).isdigit()):
        raise Http404
    return int(value)
