"""Questions of a call and the answers of a proposal, through the same services and rules as
the pages (documents/questions.py): the office manages a call's questions; the authors answer
them while the proposal is editable; office-only questions and answers are shown to the office
(and, for answers, to the proposal's authors) only."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django_fsm import TransitionNotAllowed
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.schema import refusals
from api.views import AtomicWrites
from directory.models import Direction
from documents import questions, rules
from documents import services as documents_services
from documents.models import Call, CallQuestion
from documents.selectors import get_visible_proposal_or_404
from mbk.serializers import CharField, ModelSerializer
from mbk.text import MULTILINE


class ChoiceSerializer(serializers.Serializer):
    code = CharField(max_length=60)
    label_ru = CharField(max_length=300)
    label_en = CharField(max_length=300, required=False, allow_blank=True)


class QuestionSerializer(ModelSerializer):
    directions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    choices = ChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = CallQuestion
        fields = [
            "id",
            "position",
            "text_ru",
            "text_en",
            "help_ru",
            "help_en",
            "kind",
            "choices",
            "required",
            "directions",
            "visibility",
        ]


class QuestionInputSerializer(serializers.Serializer):
    text_ru = CharField(max_length=500)
    text_en = CharField(max_length=500, required=False, allow_blank=True)
    help_ru = CharField(required=False, allow_blank=True, style=MULTILINE)
    help_en = CharField(required=False, allow_blank=True, style=MULTILINE)
    kind = serializers.ChoiceField(choices=CallQuestion.Kind.choices)
    choices = ChoiceSerializer(many=True, required=False)
    required = serializers.BooleanField(required=False, default=False)
    directions = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Direction.objects.all(), required=False
    )
    visibility = serializers.ChoiceField(choices=CallQuestion.Visibility.choices, required=False)

    def validate(self, data):
        try:
            data["choices"] = questions.check_choices(data["kind"], data.get("choices", []))
        except DjangoValidationError as error:
            raise ValidationError({"choices": error.messages}) from None
        return data

    def question_data(self) -> questions.QuestionData:
        data = dict(self.validated_data)
        data.setdefault("visibility", CallQuestion.Visibility.REVIEWERS)
        data["directions"] = list(data.get("directions", []))
        return questions.QuestionData(**data)


class ReorderSerializer(serializers.Serializer):
    order = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class CallQuestionViewSet(AtomicWrites, viewsets.GenericViewSet):
    """/calls/{call}/questions/: read by whoever sees the call (office-only ones by the office
    only); written by the programme office while the call's state allows it (409 otherwise)."""

    serializer_class = QuestionSerializer
    queryset = CallQuestion.objects.none()  # for the schema
    pagination_class = None
    filter_backends = []

    def _call(self) -> Call:
        return get_object_or_404(Call, pk=self.kwargs["call_pk"])

    def _question(self, pk) -> CallQuestion:
        call = self._call()
        return get_object_or_404(questions.visible_questions(self.request.user, call), pk=pk)

    @extend_schema(responses={200: QuestionSerializer(many=True), **refusals(401, 404)})
    def list(self, request, call_pk=None):
        shown = questions.visible_questions(request.user, self._call())
        return Response(QuestionSerializer(shown, many=True).data)

    @extend_schema(responses={200: QuestionSerializer, **refusals(401, 404)})
    def retrieve(self, request, call_pk=None, pk=None):
        return Response(QuestionSerializer(self._question(pk)).data)

    @extend_schema(
        request=QuestionInputSerializer,
        responses={201: QuestionSerializer, **refusals(400, 401, 403, 404, 409)},
    )
    def create(self, request, call_pk=None):
        call = self._call()
        rules.require(rules.can_manage_calls, request.user)
        incoming = QuestionInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        question = questions.question_add(
            call_id=call.pk, by=request.user, data=incoming.question_data()
        )
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=QuestionInputSerializer,
        responses={200: QuestionSerializer, **refusals(400, 401, 403, 404, 409)},
    )
    def update(self, request, call_pk=None, pk=None):
        question = self._question(pk)
        rules.require(rules.can_manage_calls, request.user)
        incoming = QuestionInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        question = questions.question_edit(
            question_id=question.pk, by=request.user, data=incoming.question_data()
        )
        return Response(QuestionSerializer(question).data)

    @extend_schema(responses={204: None, **refusals(401, 403, 404, 409)})
    def destroy(self, request, call_pk=None, pk=None):
        question = self._question(pk)
        questions.question_delete(question_id=question.pk, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=ReorderSerializer,
        responses={200: QuestionSerializer(many=True), **refusals(400, 401, 403, 404, 409)},
    )
    @action(detail=False, methods=["post"])
    def reorder(self, request, call_pk=None):
        call = self._call()
        incoming = ReorderSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        questions.questions_reorder(
            call_id=call.pk, by=request.user, order=incoming.validated_data["order"]
        )
        return Response(QuestionSerializer(call.questions.all(), many=True).data)


# --- Answers of a proposal ---------------------------------------------------------------------
class AnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    text = CharField()
    kind = CharField()
    required = serializers.BooleanField()
    office_only = serializers.BooleanField()
    value = serializers.JSONField(allow_null=True)
    shown = CharField()


class AnswerInputSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    value = serializers.JSONField(allow_null=True, help_text="attachment id for a file question")


class AnswersInputSerializer(serializers.Serializer):
    edition = serializers.IntegerField(min_value=0)
    answers = AnswerInputSerializer(many=True)


def _answers(user, proposal) -> list[dict]:
    """The proposal's questions with their answers as stored now, as the person may read them."""
    stored = questions.answers_of(proposal)
    rows = []
    sees_all = questions.sees_office_only(user, proposal)
    for question in questions.questions_of(proposal):
        if question.office_only and not sees_all:
            continue
        answer = stored.get(question.pk)
        value = None
        if answer is not None:
            value = answer.attachment_id if question.kind == question.Kind.FILE else answer.value
        row = questions.snapshot_answers_row(question, answer)
        rows.append(
            {
                "question": question.pk,
                "text": question.text,
                "kind": question.kind,
                "required": question.required,
                "office_only": question.office_only,
                "value": value,
                "shown": questions.answer_text(row),
            }
        )
    return rows


class ProposalAnswersViewSet(AtomicWrites, viewsets.GenericViewSet):
    """/proposals/{proposal}/answers/: answers to the call's questions that apply to the
    proposal, read with the proposal (who may not see it gets 404), written by its authors
    while it is editable (409 in another state, 403 for anyone else)."""

    serializer_class = AnswerSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(responses={200: AnswerSerializer(many=True), **refusals(401, 404)})
    def list(self, request, proposal_pk=None):
        proposal = get_visible_proposal_or_404(request.user, proposal_pk)
        return Response(AnswerSerializer(_answers(request.user, proposal), many=True).data)

    @extend_schema(
        request=AnswersInputSerializer,
        responses={200: AnswerSerializer(many=True), **refusals(400, 401, 403, 404, 409)},
    )
    def create(self, request, proposal_pk=None):
        proposal = get_visible_proposal_or_404(request.user, proposal_pk)
        if not proposal.is_editable:  # the state first (409), then the person (403)
            raise TransitionNotAllowed("not editable", object=proposal)
        rules.require(rules.can_edit_proposal, request.user, proposal)
        incoming = AnswersInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        applying = {q.pk: q for q in questions.questions_of(proposal)}
        answers, errors = {}, {}
        for row in incoming.validated_data["answers"]:
            question = applying.get(row["question"])
            if question is None:
                errors[str(row["question"])] = [
                    str(questions.NOT_APPLYING_MESSAGE),
                ]
                continue
            try:
                answers[question.pk] = questions.check_value(question, row["value"], proposal)
            except DjangoValidationError as error:
                errors[str(question.pk)] = error.messages
        if errors:
            raise ValidationError({"answers": errors})
        documents_services.answers_update(
            proposal_id=proposal.pk,
            by=request.user,
            answers=answers,
            seen_edition=incoming.validated_data["edition"],
        )
        proposal = get_visible_proposal_or_404(request.user, proposal_pk)
        return Response(AnswerSerializer(_answers(request.user, proposal), many=True).data)
