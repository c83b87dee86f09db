"""Charts of the home pages (workflow/charts.py draws them): the call's pipeline for the
programme office, by direction and state, and the working group's queue for its chair, by state
and by how long each proposal has waited. Each costs a fixed number of queries."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import DateTimeField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents import selectors
from documents.models import Call, Proposal
from mbk.i18n import bilingual
from workflow.calendar import overrides, working_days_between
from workflow.charts import BAR, HORIZONTAL, Chart, Series
from workflow.models import AuditEntry

State = Proposal.State
# What waits in the working group, or on the authors' answer to it.
QUEUE = (State.SUBMITTED, State.WG_REVIEW, State.REVISION_REQUESTED, State.WG_APPROVED)
# Working days waiting: (label, the most days of the band; None for no limit)
AGES = (
    (gettext_lazy("0–5"), 5),
    (gettext_lazy("6–10"), 10),
    (gettext_lazy("11–20"), 20),
    (gettext_lazy("over 20"), None),
)


def _states_in_order(present) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in State.choices if value in present]


def call_pipeline(call: Call) -> Chart:
    """The call's submitted proposals by direction (bars) and state (stacked), from the call's
    counts (documents.selectors.call_counts): one query."""
    rows = selectors.call_counts(call)
    directions = list(
        dict.fromkeys(bilingual(r["direction__name_ru"], r["direction__name_en"]) for r in rows)
    )
    counts = {
        (bilingual(r["direction__name_ru"], r["direction__name_en"]), r["state"]): r["n"]
        for r in rows
    }
    states = _states_in_order({r["state"] for r in rows})
    return Chart(
        key="call-pipeline",
        title=_("Proposals of the call by direction and state"),
        label_title=_("Direction"),
        labels=directions,
        series=[
            Series(label, [counts.get((d, value), 0) for d in directions])
            for value, label in states
        ],
        kind=HORIZONTAL,
    )


def waiting_since(proposals):
    """`since`: when each proposal entered its present state (the audit entry that put it
    there; its submission or creation for a proposal without one)."""
    entries = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Proposal),
            object_id=OuterRef("pk"),
            to_state=OuterRef("state"),
        )
        .exclude(from_state=F("to_state"))
        .order_by("-sequence")
        .values("at")[:1]
    )
    return proposals.annotate(
        since=Coalesce(
            Subquery(entries, output_field=DateTimeField()), "submitted_at", "created_at"
        )
    )


def age_band(days: int) -> int:
    return next(i for i, (_label, most) in enumerate(AGES) if most is None or days <= most)


def group_queue(user, today: datetime.date | None = None) -> Chart:
    """The proposals waiting in the person's working groups, by working days waiting (bars)
    and state (stacked): two queries."""
    today = today or timezone.localdate()
    proposals, _counts = selectors.group_inbox(user)
    rows = list(
        waiting_since(proposals.filter(state__in=QUEUE).order_by()).values_list("state", "since")
    )
    days = [(state, timezone.localdate(since)) for state, since in rows]
    exceptions = overrides(min(d for _s, d in days), today) if days else {}
    counts: dict[tuple[str, int], int] = {}
    for state, day in days:
        key = (state, age_band(working_days_between(day, today, exceptions)))
        counts[key] = counts.get(key, 0) + 1
    return Chart(
        key="group-queue",
        title=_("Proposals waiting in the working group, by working days waiting"),
        label_title=_("Working days waiting"),
        labels=[str(label) for label, _most in AGES],
        series=[
            Series(label, [counts.get((value, band), 0) for band in range(len(AGES))])
            for value, label in _states_in_order({state for state, _day in days})
        ],
        kind=BAR,
    )
