"""Time audit.record: 200 entries written one transaction each, then 4 processes x 50 at once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mbk_bench_audit \\
        .venv/bin/python -m bench.audit_record

Measures what one global order (the head row locked by every writer) costs against the
per-object chains alone. It migrates the named database and adds users and entries to it.
"""

import multiprocessing
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mbk.settings")


def _setup():
    import django

    django.setup()


def _write(count: int, offset: int) -> list[float]:
    _setup()
    from django.db import connection, transaction

    from accounts.models import User
    from workflow import audit

    people = list(User.objects.filter(username__startswith="bench-audit-").order_by("pk"))
    timings = []
    for i in range(count):
        start = time.perf_counter()
        with transaction.atomic():
            # As a service does: the object's row is locked before its entry is written.
            person = User.objects.select_for_update().get(pk=people[(offset + i) % 10].pk)
            audit.record(person, actor=None, action="bench")
        timings.append(time.perf_counter() - start)
    connection.close()
    return timings


def main() -> None:
    _setup()
    from django.core.management import call_command

    from accounts.models import User

    call_command("migrate", verbosity=0)
    for n in range(10):
        User.objects.get_or_create(username=f"bench-audit-{n}")
    sequential = _write(200, 0)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        start = time.perf_counter()
        parallel = pool.starmap(_write, [(50, k) for k in range(4)])
        wall = time.perf_counter() - start
    flat = [t for part in parallel for t in part]
    print(
        f"sequential 200: total {sum(sequential):.2f} s, median "
        f"{statistics.median(sequential) * 1000:.2f} ms, p95 "
        f"{sorted(sequential)[189] * 1000:.2f} ms; 4 processes x 50: wall {wall:.2f} s, "
        f"median {statistics.median(flat) * 1000:.2f} ms, p95 {sorted(flat)[189] * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
