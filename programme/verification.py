"""What the public verification says of a programme PDF this system issued: the version, the
governance body's decision it was approved under, whether it still stands or a newer approved
version replaced it (signing/registry.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from programme.models import ProgrammeVersion
from signing.registry import Description, subject_of

VersionState = ProgrammeVersion.State


def _decision(version: ProgrammeVersion) -> str:
    if version.state not in ProgrammeVersion.SIGNED:
        return ""
    return _("decision of the governance body № %(number)s of %(date)s") % {
        "number": version.decision_number,
        "date": version.decision_date.strftime("%d.%m.%Y") if version.decision_date else "",
    }


def describe(issued) -> Description:
    version = subject_of(issued)
    if version is None:
        return Description(subject=issued.title, standing=_("the version no longer exists"))
    subject = _("Development programme «%(title)s», version %(number)s") % {
        "title": version.programme.title,
        "number": version.number,
    }
    newest = (
        ProgrammeVersion.objects.filter(programme=version.programme, state=VersionState.APPROVED)
        .exclude(pk=version.pk)
        .first()
    )
    if version.state == VersionState.APPROVED:
        standing = _("approved, in force")
    elif version.state == VersionState.SUPERSEDED:
        standing = _("approved, superseded by a later version")
    else:
        standing = _("a draft, not approved")
    newer = ""
    if newest is not None and newest.number > version.number:
        newer = _("A newer approved version exists: version %(number)s, %(decision)s.") % {
            "number": newest.number,
            "decision": _decision(newest),
        }
    notes = []
    if version.snapshot_sha256:
        notes.append(
            _("The data of the version travels inside the file; its SHA-256 is %(sha)s.")
            % {"sha": version.snapshot_sha256}
        )
    return Description(
        subject=subject,
        decision=_decision(version),
        standing=standing,
        newer=newer,
        url=reverse("programme:version-detail", args=[version.pk]),
        notes=notes,
    )
