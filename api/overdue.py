"""What is late, as the programme office's page «Просрочено» shows it (workflow/views.py,
overdue): the open deadlines past due and the tasks of meetings not done by their deadline,
the longest late first, each with how many working days late. The programme office only."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import refusals
from api.serializers import PersonSerializer
from directory import rules
from mbk.serializers import CharField
from workflow import deadlines


class OverdueDeadlineSerializer(serializers.Serializer):
    title = CharField(help_text="what waits")
    url = CharField(help_text="the page of what waits")
    waiting_for = CharField(help_text="group, authors, office or governance")
    waiting_for_label = CharField()
    state = CharField(help_text="the state it waits in")
    due_on = serializers.DateField()
    late_by = serializers.IntegerField(help_text="working days")


class OverdueTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = CharField()
    meeting = serializers.IntegerField(source="meeting_id")
    meeting_title = CharField(source="meeting.title")
    responsible_person = PersonSerializer(allow_null=True)
    responsible_body = CharField(
        source="responsible_body.code", allow_null=True, help_text="the body's code"
    )
    due_on = serializers.DateField()
    late_by = serializers.IntegerField(help_text="working days")


class OverdueSerializer(serializers.Serializer):
    deadlines = OverdueDeadlineSerializer(many=True)
    tasks = OverdueTaskSerializer(many=True)


class OverdueView(APIView):
    @extend_schema(
        responses={200: OverdueSerializer, **refusals(401, 403)},
        description="The deadlines and the tasks of meetings past due, the longest late first "
        "(the programme office only).",
    )
    def get(self, request):
        if not rules.is_programme_office(request.user):
            raise PermissionDenied
        data = {"deadlines": deadlines.overdue(), "tasks": deadlines.overdue_tasks()}
        return Response(OverdueSerializer(data).data)
