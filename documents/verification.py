"""What the public verification says of a proposal's passport or expert conclusion this system
issued: the proposal, the version shown, whether the proposal has a newer version
(signing/registry.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from documents.models import RenderJob
from signing.registry import Description, subject_of


def describe(issued) -> Description:
    proposal = subject_of(issued)
    if proposal is None:
        return Description(subject=issued.title, standing=_("the proposal no longer exists"))
    job = RenderJob.objects.filter(pk=issued.job_id).only("version_number").first()
    shown = job.version_number if job else None
    latest = proposal.versions.order_by("-number").values_list("number", flat=True).first()
    newer = ""
    if shown is not None and latest is not None and latest > shown:
        newer = _("The proposal has a newer version: %(number)s.") % {"number": latest}
    return Description(
        subject=_("Proposal «%(title)s», version %(version)s")
        % {"title": proposal.title, "version": shown or "—"},
        standing=str(proposal.get_state_display()),
        newer=newer,
        url=reverse("documents:proposal-detail", args=[proposal.pk]),
    )
