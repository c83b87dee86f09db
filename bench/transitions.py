"""Benchmark: workflow transitions per second under concurrency, through the services, on the
large cluster of bench/generate.py (it changes the proposals it uses: run it after load.py).

- submit: `--workers` processes, each submitting its own drafts (proposal_submit by the
  proposal's author: completeness check, frozen version, audit entry, grants, notices);
- approve: the same with proposal_approve_in_group by the chair of wg-pharma on proposals in
  review with their two reviews;
- conflict: every process approves the SAME proposals at once, one after the other: each must
  be approved exactly once and every other attempt refused (the row lock, then the state),
  none lost and no audit entry doubled.

    .venv/bin/python bench/transitions.py [--per-worker 10] [--workers 8]

Prints a JSON line last (for bench/__main__.py)."""

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster import setup_cluster_django


def _worker(folder: str, action: str, ids: list[int], barrier, results) -> None:
    setup_cluster_django(folder)
    from django.core.exceptions import PermissionDenied
    from django_fsm import ConcurrentTransition, TransitionNotAllowed

    from accounts.models import User
    from documents import transitions as services
    from documents.models import Proposal
    from mbk.exceptions import ActionRefusedError

    chair = User.objects.get(username="chair")
    authors = dict(Proposal.objects.filter(pk__in=ids).values_list("pk", "author_id"))
    people = User.objects.in_bulk(set(authors.values()))
    done = refused = 0
    errors: list[str] = []
    barrier.wait()
    started = time.perf_counter()
    for pk in ids:
        try:
            if action == "submit":
                services.proposal_submit(proposal_id=pk, by=people[authors[pk]])
            else:
                services.proposal_approve_in_group(proposal_id=pk, by=chair)
            done += 1
        except (TransitionNotAllowed, ConcurrentTransition):
            refused += 1
        except (ActionRefusedError, PermissionDenied) as error:
            errors.append(f"{pk}: {error!r}")
    results.put(
        {
            "done": done,
            "refused": refused,
            "errors": errors,
            "started": started,
            "finished": time.perf_counter(),
        }
    )


def _run(folder: str, action: str, batches: list[list[int]]) -> dict:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(batches))
    results = context.Queue()
    processes = [
        context.Process(target=_worker, args=(folder, action, ids, barrier, results))
        for ids in batches
    ]
    for process in processes:
        process.start()
    rows = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
    wall = max(r["finished"] for r in rows) - min(r["started"] for r in rows)
    done = sum(r["done"] for r in rows)
    errors = [e for r in rows for e in r["errors"]]
    if errors:
        raise RuntimeError(f"{action}: refused for another reason: {errors[:3]}")
    return {
        "done": done,
        "refused": sum(r["refused"] for r in rows),
        "seconds": wall,
        "per_second": done / wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-worker", type=int, default=10)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--conflicts", type=int, default=5, help="proposals all workers race for")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_cluster_django(folder)
        from django.db import connections
        from django.db.models import Count, F, Q

        from documents.models import Proposal
        from workflow.models import AuditEntry

        n, w = args.per_worker, args.workers
        drafts = list(
            Proposal.objects.filter(state="draft")
            .order_by("pk")
            .values_list("pk", flat=True)[: n * w]
        )
        reviewable = list(
            Proposal.objects.filter(group__code="wg-pharma", state="wg_review")
            .annotate(n=Count("reviews", filter=Q(reviews__round=F("round"))))
            .filter(n__gte=2)
            .order_by("pk")
            .values_list("pk", flat=True)[: n * w + args.conflicts]
        )
        distinct, contested = reviewable[: n * w], reviewable[n * w :]
        connections.close_all()
        result = {
            "workers": w,
            "submit": _run(folder, "submit", [drafts[i::w] for i in range(w)]),
            "approve": _run(folder, "approve", [distinct[i::w] for i in range(w)]),
            "conflict": _run(folder, "approve", [contested] * w),
        }
        approved = Proposal.objects.filter(pk__in=contested, state="wg_approved").count()
        entries = AuditEntry.objects.filter(
            object_id__in=contested, action="approved_in_group", content_type__model="proposal"
        ).count()
        result["conflict"].update(
            proposals=len(contested), approved=approved, audit_entries=entries
        )
    conflict = result["conflict"]
    whole = approved == entries == len(contested) == conflict["done"]
    verdict = "none lost, none doubled" if whole else "MISMATCH"
    print(f"Transitions through the services, {w} processes at once")
    for action in ("submit", "approve"):
        row = result[action]
        print(
            f"  {action:<8} {row['done']:4d} distinct proposals in {row['seconds']:.2f} s: "
            f"{row['per_second']:.1f} transitions/s"
        )
    print(
        f"  conflict {conflict['proposals']} proposals × {w} processes: {conflict['done']} "
        f"approved, {conflict['refused']} refused, {approved} in wg_approved, {entries} audit "
        f"entries ({verdict})"
    )
    print(json.dumps({"transitions": result}))


if __name__ == "__main__":
    main()
