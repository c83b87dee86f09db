"""The directory's decisions in the API, as its pages make them (directory/views.py): the
programme office's list of organisations awaiting confirmation, an organisation confirmed or
rejected, a proposed organisation corrected by its proposer; and the people waiting to be
confirmed as members of their organisation (all of them for the office, their own
organisation's for its contact person), confirmed or refused. The same rules, forms and
services as the pages.

As on the pages, the office's decisions are refused (403) to anyone else before anything is
looked up; an organisation the caller may not correct is not found for them (404)."""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api import forms as page_forms
from api.schema import refusals
from api.serializers import OrganisationRefSerializer, PersonSerializer
from api.views import AtomicWrites
from directory import rules, selectors, services
from directory.forms import AffiliationDecisionForm, OrganisationForm
from directory.models import Organisation
from mbk.lookups import id_or_404
from mbk.serializers import CharField, ModelSerializer

User = get_user_model()
EDITABLE = ("name_ru", "name_en", "kind", "inn", "city", "website")


# --- Organisations ---------------------------------------------------------------------------
class OrganisationSerializer(ModelSerializer):
    kind_label = CharField(source="get_kind_display")
    status_label = CharField(source="get_status_display")
    people = PersonSerializer(many=True, help_text="the people who named it at sign-up")

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name_ru",
            "name_en",
            "kind",
            "kind_label",
            "inn",
            "city",
            "website",
            "status",
            "status_label",
            "decided_at",
            "people",
        ]


class OrganisationEditSerializer(serializers.Serializer):
    """What the proposer may correct; the fields not sent keep their values."""

    name_ru = CharField(required=False, allow_blank=True)
    name_en = CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices, required=False)
    inn = CharField(required=False, allow_blank=True)
    city = CharField(required=False, allow_blank=True)
    website = CharField(required=False, allow_blank=True)


def _shown(organisation: Organisation) -> dict:
    fresh = Organisation.objects.prefetch_related("people").get(pk=organisation.pk)
    return OrganisationSerializer(fresh).data


class OrganisationViewSet(AtomicWrites, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Organisations proposed at sign-up, awaiting the programme office's decision."""

    queryset = Organisation.objects.none()  # for the schema; get_queryset() chooses the rows
    serializer_class = OrganisationSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.organisations_awaiting_confirmation()

    @extend_schema(
        responses={200: OrganisationSerializer(many=True), **refusals(401, 403)},
        description="The organisations awaiting confirmation (the programme office only).",
    )
    def list(self, request, *args, **kwargs):
        rules.require(rules.can_review_organisations, request.user)
        return super().list(request, *args, **kwargs)

    def _decide(self, request, pk, decide) -> Response:
        rules.require(rules.can_review_organisations, request.user)
        organisation = get_object_or_404(Organisation, pk=id_or_404(pk))
        decided = decide(organisation_id=organisation.pk, by=request.user)
        return Response(_shown(decided))

    @extend_schema(
        request=None,
        responses={200: OrganisationSerializer, **refusals(401, 403, 404, 409)},
        description="The programme office confirms a proposed organisation: its people may "
        "then submit proposals. 409 if it is already decided.",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._decide(request, pk, services.organisation_confirm)

    @extend_schema(
        request=None,
        responses={200: OrganisationSerializer, **refusals(401, 403, 404, 409)},
        description="The programme office rejects a proposed organisation. 409 if it is "
        "already decided.",
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, pk, services.organisation_reject)

    @extend_schema(
        request=OrganisationEditSerializer,
        responses={200: OrganisationSerializer, **refusals(400, 401, 403, 404)},
        description="The proposer corrects the organisation's details until it is decided "
        "(the fields not sent keep their values); for anyone else it is not found.",
    )
    def partial_update(self, request, pk=None):
        organisation = get_object_or_404(Organisation, pk=id_or_404(pk))
        if not rules.can_edit_organisation(request.user, organisation):
            raise Http404
        given = OrganisationEditSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        current = {name: getattr(organisation, name) for name in EDITABLE}
        form = page_forms.checked(
            OrganisationForm, {**current, **given.validated_data}, instance=organisation
        )
        services.organisation_update(
            organisation_id=organisation.pk,
            by=request.user,
            changes={name: form.cleaned_data[name] for name in form.changed_data},
        )
        return Response(_shown(organisation))


# --- People joining an organisation ----------------------------------------------------------
class AffiliationSerializer(serializers.Serializer):
    person = PersonSerializer(source="*")
    organisation = OrganisationRefSerializer(help_text="the organisation the person named")
    date_joined = serializers.DateTimeField()


class AffiliationDecisionSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="the organisation the list showed for the person: the decision is on that "
        "pair only (409 if the person has named another since)",
    )


class DecidedSerializer(serializers.Serializer):
    person = PersonSerializer(source="user")
    organisation = OrganisationRefSerializer()
    status = CharField()
    status_label = CharField(source="get_status_display")
    decided_at = serializers.DateTimeField()


PERSON = [OpenApiParameter("username", str, OpenApiParameter.PATH, description="the login")]


class AffiliationViewSet(AtomicWrites, mixins.ListModelMixin, viewsets.GenericViewSet):
    """People waiting for their membership of a confirmed organisation to be confirmed."""

    queryset = User.objects.none()  # for the schema; get_queryset() chooses the rows
    serializer_class = AffiliationSerializer
    filter_backends = []
    lookup_field = "username"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        return selectors.affiliations_awaiting(self.request.user)

    @extend_schema(
        responses={200: AffiliationSerializer(many=True), **refusals(401, 403)},
        description="People awaiting confirmation: all of them for the programme office, "
        "their own organisation's for its contact person.",
    )
    def list(self, request, *args, **kwargs):
        rules.require(rules.can_review_affiliations, request.user)
        return super().list(request, *args, **kwargs)

    def _decide(self, request, username, decide) -> Response:
        rules.require(rules.can_review_affiliations, request.user)
        person = get_object_or_404(User, username=username)
        AffiliationDecisionSerializer(data=request.data).is_valid(raise_exception=True)
        form = page_forms.checked(AffiliationDecisionForm, request.data)
        affiliation = decide(
            person_id=person.pk,
            organisation_id=form.cleaned_data["organisation"],
            by=request.user,
        )
        return Response(DecidedSerializer(affiliation).data)

    @extend_schema(
        request=AffiliationDecisionSerializer,
        parameters=PERSON,
        responses={200: DecidedSerializer, **refusals(400, 401, 403, 404, 409)},
        description="Confirm that the person belongs to the organisation they named. 409 if "
        "someone has already decided or the person named another organisation since.",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, username=None):
        return self._decide(request, username, services.affiliation_confirm)

    @extend_schema(
        request=AffiliationDecisionSerializer,
        parameters=PERSON,
        responses={200: DecidedSerializer, **refusals(400, 401, 403, 404, 409)},
        description="Refuse the person's claim to belong to the organisation they named. 409 "
        "if someone has already decided or the person named another organisation since.",
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, username=None):
        return self._decide(request, username, services.affiliation_refuse)
