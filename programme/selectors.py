"""What the programme's pages read, through the rules of programme/rules.py: what a person may
not see is a 404."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from documents.models import RenderJob
from mbk.lookups import id_or_404
from programme import document, rules
from programme.models import Programme, ProgrammeVersion, Section, SectionRevision


def current_programme() -> Programme | None:
    """The cluster works on one programme at a time: the latest one."""
    return Programme.objects.order_by("-pk").first()


def sections_with_revisions(programme: Programme, *, removed: bool = False) -> QuerySet[Section]:
    """The sections in order, each with its revisions newest first (two queries in all)."""
    return (
        programme.sections.filter(removed_at__isnull=not removed)
        .select_related("owner")
        .prefetch_related(
            Prefetch("revisions", queryset=SectionRevision.objects.order_by("-number"))
        )
        .order_by("position", "pk")
    )


def visible_versions(user, programme: Programme) -> QuerySet[ProgrammeVersion]:
    versions = programme.versions.select_related("signed_by").order_by("-number")
    if rules.can_view_programme(user):
        return versions
    return versions.filter(state__in=ProgrammeVersion.SIGNED)


def get_visible_section_or_404(user, pk: int) -> Section:
    section = (
        Section.objects.select_related("owner", "programme")
        .prefetch_related(
            Prefetch("revisions", queryset=SectionRevision.objects.order_by("-number"))
        )
        .filter(pk=id_or_404(pk))
        .first()
    )
    if section is None or not rules.can_view_section(user, section):
        raise Http404
    return section


def get_visible_version_or_404(user, pk: int) -> ProgrammeVersion:
    version = (
        ProgrammeVersion.objects.select_related("programme", "signed_by")
        .filter(pk=id_or_404(pk))
        .first()
    )
    if version is None or not rules.can_view_programme_version(user, version):
        raise Http404
    return version


def programme_jobs(user, version: ProgrammeVersion, limit: int = 5) -> QuerySet[RenderJob]:
    if not rules.can_read_programme_document(user, version):
        return RenderJob.objects.none()
    return RenderJob.objects.filter(
        kind=RenderJob.Kind.PROGRAMME,
        subject_type=ContentType.objects.get_for_model(ProgrammeVersion),
        subject_id=version.pk,
    )[:limit]


def approved_version() -> ProgrammeVersion | None:
    """The version in force: the last one the governance body approved (not superseded)."""
    return (
        ProgrammeVersion.objects.filter(state=ProgrammeVersion.State.APPROVED)
        .select_related("programme")
        .order_by("-approved_at", "-pk")
        .first()
    )


def rendered_document(user, version: ProgrammeVersion, language: str) -> RenderJob | None:
    """The version's compiled PDF as rendered already (at approval: programme/services.py),
    in the person's language if there is one, else in another; None while it is being
    rendered. Never queues anything: one query."""
    if not rules.can_read_programme_document(user, version):
        return None
    jobs = RenderJob.objects.filter(
        kind=RenderJob.Kind.PROGRAMME,
        subject_type=ContentType.objects.get_for_model(ProgrammeVersion),
        subject_id=version.pk,
        source_key=document.source_key(version),
        status=RenderJob.Status.DONE,
    ).order_by("-finished_at", "-pk")
    done = list(jobs)
    return next((job for job in done if job.language == language), done[0] if done else None)
