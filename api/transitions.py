"""The transitions of proposals, programme sections and programme versions as the API offers
them: the models' own tables (documents/actions.py, programme/actions.py; workflow/tables.py),
whose parameters become a serializer here. The same rules and services as the pages: the API
only reads the body.

Every transition takes the edition the caller saw (`edition` of a proposal, a section or a
programme version; `version` for a review); the service refuses a newer one."""

from functools import cache

from django.contrib.auth import get_user_model
from rest_framework import serializers

from directory.models import Body
from documents.actions import PROPOSAL
from documents.models import Proposal
from mbk.serializers import CharField
from mbk.text import MULTILINE
from programme.actions import SECTION, VERSION
from programme.models import ProgrammeVersion, Section
from workflow.tables import Param, Table, Transition


def _field(param: Param) -> serializers.Field:
    """The serializer field of one parameter of a transition's table row."""
    common = {"required": param.required}
    if param.help_text:
        common["help_text"] = param.help_text
    if param.kind == "text":
        return CharField(
            allow_blank=not param.required, max_length=param.max_length, style=MULTILINE, **common
        )
    if param.kind == "line":
        return CharField(allow_blank=not param.required, max_length=param.max_length, **common)
    if param.kind == "texts":
        return serializers.ListField(
            child=CharField(max_length=param.max_length, style=MULTILINE),
            min_length=1,
            max_length=100,
            **common,
        )
    if param.kind == "people":
        return serializers.SlugRelatedField(
            slug_field="username",
            queryset=get_user_model().objects.filter(is_active=True),
            many=True,
            **common,
        )
    if param.kind == "person":
        return serializers.SlugRelatedField(
            slug_field="username",
            queryset=get_user_model().objects.filter(is_active=True),
            **common,
        )
    if param.kind == "scores":
        return serializers.DictField(
            child=serializers.IntegerField(min_value=1, max_value=5), **common
        )
    if param.kind == "choice":
        return serializers.ChoiceField(choices=list(param.choices), **common)
    if param.kind == "date":
        return serializers.DateField(**common)
    if param.kind == "group":
        return serializers.SlugRelatedField(
            slug_field="code",
            queryset=Body.objects.filter(kind=Body.Kind.SECTORAL_GROUP),
            **common,
        )
    if param.kind == "number":
        return serializers.IntegerField(min_value=1, **common)
    raise LookupError(f"no API field for a parameter of kind {param.kind!r}")


@cache
def params_serializer(transition: Transition) -> type[serializers.Serializer]:
    """The body of `POST …/transitions/{name}/` besides the edition: one serializer per row."""
    fields = {param.name: _field(param) for param in transition.params}
    name = "".join(part.title() for part in transition.name.split("_")) + "Params"
    return type(name, (serializers.Serializer,), fields)


# --- What each object reports ---------------------------------------------------------------
def proposal_seen(proposal: Proposal) -> dict[str, int]:
    latest = proposal.versions.order_by("-number").values_list("number", flat=True).first()
    return {"edition": proposal.edition, "version": latest or 0}


def latest_revision(section: Section):
    """The section's latest revision from the revisions the API's lookup prefetched, newest
    first (programme.selectors.get_visible_section_or_404): no query for each transition."""
    return next(iter(section.revisions.all()), None)


def section_seen(section: Section) -> dict[str, int]:
    revision = latest_revision(section)
    return {"edition": revision.edition if revision else 0}


def section_state(section: Section) -> str:
    """A section's state is its latest revision's ("" before the first one)."""
    revision = latest_revision(section)
    return revision.state if revision else ""


def version_seen(version: ProgrammeVersion) -> dict[str, int]:
    return {"edition": version.edition}


__all__ = [
    "PROPOSAL",
    "SECTION",
    "VERSION",
    "Table",
    "latest_revision",
    "params_serializer",
    "proposal_seen",
    "section_seen",
    "section_state",
    "version_seen",
]
