"""The audit trail: one append-only, hash-chained entry per transition or decision.

Entries of one object form a chain (sequence 1, 2, ...). The service that records an entry
holds the object's row lock (select_for_update), so two entries of one object are never
written at once and the chain stays linear.
"""

import hashlib
import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from workflow.models import AuditEntry

GENESIS = "0" * 64


def _entry_hash(entry: AuditEntry) -> str:
    fields = {
        "content_type": entry.content_type_id,
        "object_id": entry.object_id,
        "sequence": entry.sequence,
        "actor": entry.actor_id,
        "at": entry.at.isoformat(),
        "action": entry.action,
        "from": entry.from_state,
        "to": entry.to_state,
        "comment": entry.comment,
        "reference": entry.reference,
        "content_sha256": entry.content_sha256,
        "previous": entry.previous_hash,
    }
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    obj: models.Model,
    *,
    actor,
    action: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    reference: str = "",
    content_sha256: str = "",
) -> AuditEntry:
    """Append an entry to the object's chain. Call inside the service's transaction."""
    content_type = ContentType.objects.get_for_model(obj)
    last = (
        AuditEntry.objects.filter(content_type=content_type, object_id=obj.pk)
        .order_by("-sequence")
        .first()
    )
    entry = AuditEntry(
        content_type=content_type,
        object_id=obj.pk,
        sequence=(last.sequence + 1) if last else 1,
        actor=actor,
        at=timezone.now().replace(microsecond=0),
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        reference=reference,
        content_sha256=content_sha256,
        previous_hash=last.entry_hash if last else GENESIS,
    )
    entry.entry_hash = _entry_hash(entry)
    entry.save()
    return entry


def history(obj: models.Model):
    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        .select_related("actor")
        .order_by("sequence")
    )


@dataclass
class Break:
    entry_id: int
    object_label: str
    sequence: int
    problem: str


def verify() -> tuple[int, Break | None]:
    """Check every chain; return how many entries were checked and the first broken one."""
    checked = 0
    previous_key, expected_previous, expected_sequence = None, GENESIS, 1
    entries = AuditEntry.objects.order_by("content_type_id", "object_id", "sequence")
    for entry in entries.iterator(chunk_size=2000):
        key = (entry.content_type_id, entry.object_id)
        if key != previous_key:
            previous_key, expected_previous, expected_sequence = key, GENESIS, 1
        problem = None
        if entry.sequence != expected_sequence:
            problem = f"sequence {entry.sequence} where {expected_sequence} was expected"
        elif entry.previous_hash != expected_previous:
            problem = "it does not point at the entry before it"
        elif _entry_hash(entry) != entry.entry_hash:
            problem = "its content does not match its hash"
        if problem:
            kind = ContentType.objects.get_for_id(entry.content_type_id)
            label = f"{kind.app_label}.{kind.model} #{entry.object_id}"
            return checked, Break(entry.pk, label, entry.sequence, problem)
        checked += 1
        expected_previous, expected_sequence = entry.entry_hash, entry.sequence + 1
    return checked, None
