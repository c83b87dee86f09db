"""The audit trail: one append-only, MAC-chained entry per transition, decision or change.

Every entry has a global position (1, 2, ...) and a sequence within its object (1, 2, ...).
Its MAC is HMAC-SHA256, under MBK_AUDIT_KEY (never in the database), of its fields and of the
MAC of the entry before it in the global order. Writers lock the one AuditHead row inside the
service's transaction, so entries are appended one at a time: deleting any entry, an object's
whole chain or the newest entries leaves a gap or a head that points nowhere, and a chain
recomputed without the key does not verify.

Checkpoints (the head's position and MAC at a moment, MAC-chained to each other) are written
by beat to the database, to an append-only file (MBK_AUDIT_CHECKPOINT_FILE) and by e-mail to
the programme office, so the head is known outside the database. `check()` verifies the chain,
the checkpoints and that each object's state is the one its last entry recorded.
"""

import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from workflow.models import AuditCheckpoint, AuditEntry, AuditHead

GENESIS = "0" * 64

# The models whose state the trail records: each object's state must equal the `to_state` of
# its last entry that has one, or, with no such entry, its state field's default.
STATEFUL_MODELS = (
    "documents.Proposal",
    "documents.Opinion",
    "programme.SectionRevision",
    "programme.ProgrammeVersion",
    "meetings.Meeting",
)


# --- Keys and MACs ----------------------------------------------------------------------------
def keys() -> dict[str, str]:
    """Every key that verifies, by id: the current one and the retired ones."""
    return {**settings.MBK_AUDIT_OLD_KEYS, settings.MBK_AUDIT_KEY_ID: settings.MBK_AUDIT_KEY}


def _mac(key: str, fields: dict) -> str:
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def entry_fields(entry, kind: str) -> dict:
    """What an entry's MAC covers; `kind` is its content type as "app_label.model"."""
    return {
        "position": entry.position,
        "kind": kind,
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
        "key": entry.key_id,
        "previous": entry.previous_hash,
    }


def _kind(content_type_id: int) -> str:
    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def entry_mac(entry: AuditEntry, key: str | None = None) -> str:
    """The entry's MAC under `key` (by default the key its key_id names)."""
    key = key if key is not None else keys()[entry.key_id]
    return _mac(key, entry_fields(entry, _kind(entry.content_type_id)))


def is_intact(entry: AuditEntry) -> bool:
    """Whether the entry's MAC verifies under the key it names: it says what was written (its
    place in the chain is check()'s to verify)."""
    key = keys().get(entry.key_id)
    return key is not None and hmac.compare_digest(entry.entry_hash, entry_mac(entry, key))


def checkpoint_fields(checkpoint) -> dict:
    return {
        "number": checkpoint.number,
        "position": checkpoint.position,
        "head": checkpoint.head_hash,
        "at": checkpoint.at.isoformat(),
        "key": checkpoint.key_id,
        "previous": checkpoint.previous_mac,
    }


def checkpoint_mac(checkpoint, key: str | None = None) -> str:
    key = key if key is not None else keys()[checkpoint.key_id]
    return _mac(key, checkpoint_fields(checkpoint))


# --- Writing ----------------------------------------------------------------------------------
def _lock_head() -> AuditHead:
    """The head row, locked until the caller's transaction ends. Made from the newest entry if
    it is missing (a fresh or flushed database); verify() compares it with the entries."""
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        newest = AuditEntry.objects.order_by("-position").first()
        AuditHead.objects.get_or_create(
            pk=1,
            defaults={
                "position": newest.position if newest else 0,
                "entry_hash": newest.entry_hash if newest else GENESIS,
            },
        )
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


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
    """Append an entry to the trail. Call inside the service's transaction: the head row stays
    locked until it commits, so the global order is the order of commits."""
    content_type = ContentType.objects.get_for_model(obj)
    # Within the caller's transaction (no savepoint: a failure here fails the service anyway).
    with transaction.atomic(savepoint=False):
        head = _lock_head()
        last = (
            AuditEntry.objects.filter(content_type=content_type, object_id=obj.pk)
            .order_by("-sequence")
            .values_list("sequence", flat=True)
            .first()
        )
        entry = AuditEntry(
            position=head.position + 1,
            content_type=content_type,
            object_id=obj.pk,
            sequence=(last or 0) + 1,
            actor=actor,
            at=timezone.now().replace(microsecond=0),
            action=action,
            from_state=from_state,
            to_state=to_state,
            comment=comment,
            reference=reference,
            content_sha256=content_sha256,
            key_id=settings.MBK_AUDIT_KEY_ID,
            previous_hash=head.entry_hash,
        )
        entry.entry_hash = _mac(
            settings.MBK_AUDIT_KEY,
            entry_fields(entry, f"{content_type.app_label}.{content_type.model}"),
        )
        entry.save()
        AuditHead.objects.filter(pk=1).update(position=entry.position, entry_hash=entry.entry_hash)
    return entry


def append_many(entries: list[AuditEntry]) -> None:
    """Append prepared entries (objects, sequences and fields set) in this order, as record()
    would one by one: positions, key, chain and MACs are set here. For bulk copies of whole
    histories (bench/generate.py); call inside a transaction."""
    with transaction.atomic():
        head = _lock_head()
        position, previous = head.position, head.entry_hash
        for entry in entries:
            position += 1
            entry.position = position
            entry.key_id = settings.MBK_AUDIT_KEY_ID
            entry.previous_hash = previous
            entry.entry_hash = previous = _mac(
                settings.MBK_AUDIT_KEY, entry_fields(entry, _kind(entry.content_type_id))
            )
        AuditEntry.objects.bulk_create(entries, batch_size=5000)
        AuditHead.objects.filter(pk=1).update(position=position, entry_hash=previous)


def history(obj: models.Model):
    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        .select_related("actor")
        .order_by("sequence")
    )


# --- Checkpoints ------------------------------------------------------------------------------
def checkpoint_line(checkpoint: AuditCheckpoint) -> str:
    return json.dumps({**checkpoint_fields(checkpoint), "mac": checkpoint.mac}, sort_keys=True)


def _append(path: Path, line: str) -> None:
    """Append one line; the file is only ever opened for appending."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, (line + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_checkpoint() -> AuditCheckpoint:
    """Record the head as it is now, in the database and at the end of the checkpoint file.
    Written even when nothing changed since the last one: it proves that beat is alive."""
    with transaction.atomic():
        head = _lock_head()  # also serialises checkpoints
        last = AuditCheckpoint.objects.order_by("-number").first()
        checkpoint = AuditCheckpoint(
            number=(last.number + 1) if last else 1,
            position=head.position,
            head_hash=head.entry_hash,
            at=timezone.now().replace(microsecond=0),
            key_id=settings.MBK_AUDIT_KEY_ID,
            previous_mac=last.mac if last else GENESIS,
        )
        checkpoint.mac = checkpoint_mac(checkpoint, settings.MBK_AUDIT_KEY)
        checkpoint.save()
        # In the transaction: if the file cannot be written, no database row claims it was.
        _append(Path(settings.MBK_AUDIT_CHECKPOINT_FILE), checkpoint_line(checkpoint))
    return checkpoint


@dataclass(frozen=True)
class Stamp:
    """What a generated document prints: the latest checkpoint and the head at render time."""

    checkpoint: AuditCheckpoint | None
    position: int

    @property
    def head_prefix(self) -> str:
        return self.checkpoint.head_hash[:16] if self.checkpoint else ""


def stamp() -> Stamp:
    head = AuditHead.objects.filter(pk=1).values_list("position", flat=True).first()
    return Stamp(AuditCheckpoint.objects.order_by("-number").first(), head or 0)


# --- Verifying --------------------------------------------------------------------------------
@dataclass
class Problem:
    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


@dataclass
class Report:
    checked: int = 0
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)

    def add(self, where: str, problem: str) -> None:
        self.problems.append(Problem(where, problem))


class _FileCheckpoint:
    """A line of the checkpoint file, read as a checkpoint."""

    def __init__(self, data: dict) -> None:
        self.number = int(data["number"])
        self.position = int(data["position"])
        self.head_hash = str(data["head"])
        self.at = datetime.fromisoformat(data["at"])
        self.key_id = str(data["key"])
        self.previous_mac = str(data["previous"])
        self.mac = str(data["mac"])


def _read_file(report: Report) -> list[_FileCheckpoint]:
    path = Path(settings.MBK_AUDIT_CHECKPOINT_FILE)
    if not path.exists():
        return []
    read = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        try:
            read.append(_FileCheckpoint(json.loads(line)))
        except (ValueError, KeyError, TypeError):
            report.add(f"checkpoint file, line {number}", "it is not a checkpoint (damaged)")
    return read


def _check_checkpoint_chain(report: Report, where: str, checkpoints: list) -> None:
    expected_number, previous = 1, GENESIS
    for checkpoint in checkpoints:
        label = f"{where} checkpoint {checkpoint.number}"
        if checkpoint.number != expected_number:
            report.add(label, f"number {checkpoint.number} where {expected_number} was expected")
        elif checkpoint.previous_mac != previous:
            report.add(label, "it does not point at the checkpoint before it")
        if checkpoint.key_id not in keys():
            report.add(label, f"it is signed with an unknown key id {checkpoint.key_id!r}")
        elif not hmac.compare_digest(checkpoint_mac(checkpoint), checkpoint.mac):
            report.add(label, "its content does not match its MAC")
        expected_number, previous = checkpoint.number + 1, checkpoint.mac


def _check_chain(report: Report, wanted_positions: set[int]) -> tuple[dict, dict, int, str]:
    """Walk the entries in global order. Returns the MACs at the wanted positions, the last
    to_state of each object, and the last position and MAC."""
    known_keys = keys()
    macs_at = {0: GENESIS} if 0 in wanted_positions else {}
    last_state: dict[tuple[int, int], str] = {}
    sequences: dict[tuple[int, int], int] = {}
    expected_position, previous = 1, GENESIS
    entries = AuditEntry.objects.order_by("position")
    for entry in entries.iterator(chunk_size=2000):
        kind = _kind(entry.content_type_id)
        where = f"entry id={entry.pk} (position {entry.position}, {kind} #{entry.object_id}, "
        where += f"sequence {entry.sequence}, {entry.action})"
        if entry.position != expected_position:
            missing = f"{expected_position}" if entry.position == expected_position + 1 else ""
            missing = missing or f"{expected_position}-{entry.position - 1}"
            report.add(where, f"the entries at positions {missing} are missing (deleted)")
        elif not hmac.compare_digest(entry.previous_hash, previous):
            report.add(where, "it does not point at the entry before it in the global order")
        if entry.key_id not in known_keys:
            report.add(where, f"it is signed with an unknown key id {entry.key_id!r}")
        elif not hmac.compare_digest(
            _mac(known_keys[entry.key_id], entry_fields(entry, kind)), entry.entry_hash
        ):
            report.add(
                where,
                "its content does not match its MAC (changed, or recomputed without the key)",
            )
        key = (entry.content_type_id, entry.object_id)
        expected_sequence = sequences.get(key, 0) + 1
        if entry.sequence != expected_sequence:
            damage = "missing" if entry.sequence > expected_sequence else "out of order"
            report.add(
                where,
                f"sequence {entry.sequence} where {expected_sequence} was expected "
                f"(the object's entries are {damage})",
            )
        sequences[key] = max(entry.sequence, sequences.get(key, 0))
        if entry.to_state:
            last_state[key] = entry.to_state
        if entry.position in wanted_positions:
            macs_at[entry.position] = entry.entry_hash
        report.checked += 1
        expected_position, previous = entry.position + 1, entry.entry_hash
    return macs_at, last_state, expected_position - 1, previous


def _check_against_chain(
    report: Report, label: str, checkpoint, macs_at: dict, last_position: int
) -> None:
    if checkpoint.position > last_position:
        report.add(
            label,
            f"it saw the chain up to position {checkpoint.position}, but the trail ends at "
            f"{last_position}: the newest entries were deleted",
        )
    elif checkpoint.position not in macs_at:
        report.add(label, f"the entry at position {checkpoint.position} is missing")
    elif not hmac.compare_digest(macs_at[checkpoint.position], checkpoint.head_hash):
        report.add(
            label,
            f"the entry at position {checkpoint.position} differs from the one it saw "
            "(the trail was rewritten)",
        )


def _check_states(report: Report, last_state: dict) -> None:
    for label in STATEFUL_MODELS:
        model = apps.get_model(label)
        content_type_id = ContentType.objects.get_for_model(model).pk
        initial = model._meta.get_field("state").default
        for pk, state in model.objects.values_list("pk", "state").iterator(chunk_size=2000):
            recorded = last_state.get((content_type_id, pk))
            where = f"{model._meta.label_lower} #{pk}"
            if recorded is None and state != initial:
                report.add(where, f"its state is {state!r} but the trail records no state for it")
            elif recorded is not None and state != recorded:
                report.add(
                    where,
                    f"its state is {state!r} but its last entry records {recorded!r} "
                    "(changed without an entry)",
                )


def check() -> Report:
    """Everything verify_audit checks; every problem found, in words."""
    report = Report()
    stored = list(AuditCheckpoint.objects.order_by("number"))
    in_file = _read_file(report)
    report.checkpoints = len(stored)
    wanted = {c.position for c in stored} | {c.position for c in in_file}
    macs_at, last_state, last_position, last_mac = _check_chain(report, wanted)

    head = AuditHead.objects.filter(pk=1).first()
    if head is None and last_position:
        report.add("the head row", "it is missing")
    elif head is not None and (head.position, head.entry_hash) != (last_position, last_mac):
        report.add(
            "the head row",
            f"it names position {head.position}, but the trail ends at {last_position}"
            + (": the newest entries were deleted" if head.position > last_position else "")
            if head.position != last_position
            else "its MAC differs from the newest entry's",
        )

    _check_checkpoint_chain(report, "database", stored)
    _check_checkpoint_chain(report, "file", in_file)
    for checkpoint in stored:
        _check_against_chain(
            report, f"database checkpoint {checkpoint.number}", checkpoint, macs_at, last_position
        )
    for checkpoint in in_file:
        _check_against_chain(
            report, f"file checkpoint {checkpoint.number}", checkpoint, macs_at, last_position
        )
    file_macs = {c.number: c.mac for c in in_file}
    stored_macs = {c.number: c.mac for c in stored}
    for number, mac in stored_macs.items():
        if number not in file_macs:
            report.add(
                f"database checkpoint {number}",
                "it is missing from the checkpoint file (the file was truncated or replaced)",
            )
        elif file_macs[number] != mac:
            report.add(f"database checkpoint {number}", "it differs from the file's line")
    for number in file_macs.keys() - stored_macs.keys():
        report.add(f"file checkpoint {number}", "it is missing from the database (deleted)")

    interval = timedelta(seconds=settings.MBK_AUDIT_CHECKPOINT_EVERY_SECONDS)
    moments = [c.at for c in stored] + [c.at for c in in_file]
    oldest_entry = AuditEntry.objects.order_by("position").values_list("at", flat=True).first()
    now = timezone.now()
    if moments and max(moments) < now - 2 * interval:
        report.add(
            "checkpoints",
            f"the newest was written at {max(moments).isoformat()}, more than twice the "
            f"interval ({interval}) ago: is beat running?",
        )
    elif not moments and oldest_entry is not None and oldest_entry < now - 2 * interval:
        report.add("checkpoints", "none has been written: is beat running?")

    _check_states(report, last_state)
    return report


def verify() -> tuple[int, Problem | None]:
    """How many entries were checked, and the first problem found (None when intact)."""
    report = check()
    return report.checked, (report.problems[0] if report.problems else None)
