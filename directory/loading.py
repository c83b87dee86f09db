"""Loading the cluster directory from its data file; safe to run any number of times.

The file also holds entries of apps above the directory: each such app registers the loader of
its part from its AppConfig.ready() (register()); a part nobody loads fails loudly."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from directory.models import Body, Direction, Organisation, ServiceType, SupportInstrument
from directory.signals import members_group, sync_membership_groups

User = get_user_model()

CLUSTER_FILE = Path(__file__).resolve().parent / "data" / "cluster.yaml"


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)

    def note(self, label: str, created: bool) -> None:
        (self.created if created else self.kept)[label] += 1


# The parts of the file the directory loads itself.
OWN_PARTS = {"directions", "bodies", "service_types", "support_instruments", "organisations"}
_loaders: dict[str, Callable[[list[dict], LoadReport], None]] = {}


def register(part: str, load: Callable[[list[dict], LoadReport], None]) -> None:
    """load(items, report) creates the missing entries of `part` of the file (a top-level key)
    and notes them in the report. Registered from AppConfig.ready(): documents loads
    `review_criteria` (its ReviewCriterion)."""
    if part in OWN_PARTS:
        raise ValueError(f"The directory loads {part!r} itself.")
    _loaders[part] = load


@transaction.atomic
def load_cluster_directory(path: Path = CLUSTER_FILE) -> LoadReport:
    """Create the directory entries that are missing; entries already present (matched by
    code, organisations by Russian name) are kept as they are, admin edits included."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    report = LoadReport()
    if unclaimed := data.keys() - OWN_PARTS - _loaders.keys():
        raise LookupError(
            f"No loader is registered for {sorted(unclaimed)} of {path.name}: the app owning "
            "them registers one in its AppConfig.ready() (directory.loading.register)."
        )

    directions = {}
    for position, item in enumerate(data["directions"]):
        directions[item["code"]], created = Direction.objects.get_or_create(
            code=item["code"], defaults={**item, "position": position}
        )
        report.note("directions", created)

    bodies = {}
    for position, item in enumerate(data["bodies"]):
        defaults = {**item, "position": position}
        if "direction" in item:
            defaults["direction"] = directions[item["direction"]]
        bodies[item["code"]], created = Body.objects.get_or_create(
            code=item["code"], defaults=defaults
        )
        report.note("bodies", created)

    for position, item in enumerate(data["service_types"]):
        defaults = {**item, "position": position, "body": bodies[item["body"]]}
        _, created = ServiceType.objects.get_or_create(code=item["code"], defaults=defaults)
        report.note("service types", created)

    for position, item in enumerate(data["support_instruments"]):
        defaults = {**item, "position": position}
        _, created = SupportInstrument.objects.get_or_create(code=item["code"], defaults=defaults)
        report.note("support instruments", created)

    for part, load in _loaders.items():
        load(data[part], report)

    for body in bodies.values():
        members_group(body)
    for person in User.objects.filter(memberships__isnull=False).distinct():
        sync_membership_groups(person)  # people added before the groups existed

    for item in data["organisations"]:
        defaults = {**item, "status": Organisation.Status.CONFIRMED}
        _, created = Organisation.objects.get_or_create(name_ru=item["name_ru"], defaults=defaults)
        report.note("organisations", created)

    return report
