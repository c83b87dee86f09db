"""What the benchmarks share: a throwaway Django set-up, the collected static files, and
running each variant in a process of its own so that its peak memory is its own."""

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]


def setup_django(folder: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "mbk.settings",
            "DEBUG": "1",
            "MBK_VAR_DIR": folder,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def collect_static() -> str:
    """The static files in STATIC_ROOT (under the temporary folder); their file: URL, the base
    URL of the floor."""
    from django.conf import settings
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    return Path(settings.STATIC_ROOT).resolve().as_uri() + "/"


def time_runs(variant: str, work: Callable[[], object], runs: int) -> dict:
    """One warm-up (imports, templates, fonts), then `runs` timed runs in this process."""
    output = work()
    size = len(output.encode() if isinstance(output, str) else output)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return {
        "variant": variant,
        "median_s": statistics.median(timings),
        "min_s": min(timings),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "output_bytes": size,
    }


def run_children(script: str, runs: int, arguments: list[str], variants: list[str]) -> dict:
    """Each variant in a child process of `script` (`--child ARGUMENTS... VARIANT`)."""
    results = {}
    for variant in variants:
        command = [sys.executable, script, "--runs", str(runs), "--child", *arguments, variant]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results[variant] = json.loads(output.strip().splitlines()[-1])
    return results


def print_rows(results: dict, labels: dict[str, str], unit_of: Callable[[str], str]) -> None:
    for variant, label in labels.items():
        row = results[variant]
        print(
            f"  {label:<46} median {row['median_s'] * 1000:8.0f} ms   "
            f"min {row['min_s'] * 1000:8.0f} ms   peak RSS {row['peak_rss_mb']:5.0f} MB   "
            f"{unit_of(variant)} {row['output_bytes'] / 1024:6.0f} KiB"
        )
    pipeline, floor = results["pipeline"], results["floor"]
    print(
        f"  ratio pipeline/floor: time {pipeline['median_s'] / floor['median_s']:.2f}, "
        f"peak memory {pipeline['peak_rss_mb'] / floor['peak_rss_mb']:.2f}"
    )
