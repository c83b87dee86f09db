"""Media on a folder: every write whole or absent (mbk/storage.py), and no code but the storage
class reaches the media by a path."""

import ast
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from mbk.storage import AtomicFileSystemStorage
from tests.mbk.test_settings import SAFE_KEY, run_manage

BASE_DIR = Path(__file__).resolve().parents[2]
OLD = b"o" * (3 * 1024 * 1024)
NEW = b"n" * (3 * 1024 * 1024)


class Paused:
    """Content whose write stops halfway until told to go on (or fails there)."""

    def __init__(self, data: bytes, *, fail: bool = False):
        self.data, self.fail = data, fail
        self.halfway, self.go_on = threading.Event(), threading.Event()

    def chunks(self):
        half = len(self.data) // 2
        yield self.data[:half]
        self.halfway.set()
        self.go_on.wait(timeout=30)
        if self.fail:
            raise OSError("the writer died halfway")
        yield self.data[half:]


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def storage(tmp_path):
    return AtomicFileSystemStorage(location=tmp_path)


def test_storage_default_is_the_atomic_folder_storage():
    assert isinstance(storages["default"], AtomicFileSystemStorage)
    assert default_storage.location  # a lazy object: set up at its first use (order of tests)
    assert isinstance(default_storage._wrapped, AtomicFileSystemStorage)


def test_storage_save_writes_the_whole_file_and_no_temporary_one(storage, tmp_path):
    name = storage.save("proposals/7/abc.pdf", ContentFile(OLD))

    assert name == "proposals/7/abc.pdf"
    assert (tmp_path / name).read_bytes() == OLD
    assert files_in(tmp_path) == ["proposals/7/abc.pdf"]


def test_storage_save_under_a_taken_name_keeps_the_first_file(storage, tmp_path):
    first = storage.save("proposals/7/abc.pdf", ContentFile(OLD))

    second = storage.save("proposals/7/abc.pdf", ContentFile(NEW))

    assert second != first
    assert re.fullmatch(r"proposals/7/abc_\w{7}\.pdf", second)
    assert (tmp_path / first).read_bytes() == OLD
    assert (tmp_path / second).read_bytes() == NEW
    assert files_in(tmp_path) == sorted([first, second])


def test_storage_replace_puts_the_new_content_under_the_same_name(storage, tmp_path):
    storage.save("documents/ab/abc.pdf", ContentFile(OLD))

    name = storage.replace("documents/ab/abc.pdf", ContentFile(NEW))

    assert name == "documents/ab/abc.pdf"
    assert storage.open(name).read() == NEW
    assert files_in(tmp_path) == ["documents/ab/abc.pdf"]


def test_storage_replace_refuses_a_name_outside_the_folder(storage):
    with pytest.raises(SuspiciousFileOperation, match="path traversal"):
        storage.replace("../escape.pdf", ContentFile(NEW))


def test_storage_reader_during_a_replace_sees_the_old_file_then_the_new(storage):
    storage.save("documents/ab/abc.pdf", ContentFile(OLD))
    content = Paused(NEW)
    writer = threading.Thread(target=storage.replace, args=("documents/ab/abc.pdf", content))
    writer.start()
    assert content.halfway.wait(timeout=30)

    during = storage.open("documents/ab/abc.pdf").read()
    content.go_on.set()
    writer.join(timeout=30)
    after = storage.open("documents/ab/abc.pdf").read()

    assert during == OLD
    assert after == NEW


def test_storage_reader_during_a_first_save_sees_no_file_then_the_whole(storage):
    content = Paused(NEW)
    writer = threading.Thread(target=storage.save, args=("proposals/7/abc.pdf", content))
    writer.start()
    assert content.halfway.wait(timeout=30)

    during = storage.exists("proposals/7/abc.pdf")
    content.go_on.set()
    writer.join(timeout=30)

    assert during is False
    assert storage.open("proposals/7/abc.pdf").read() == NEW


def test_storage_write_failing_halfway_leaves_the_old_file_and_nothing_else(storage, tmp_path):
    storage.save("documents/ab/abc.pdf", ContentFile(OLD))
    content = Paused(NEW, fail=True)
    content.go_on.set()

    with pytest.raises(OSError, match="the writer died halfway"):
        storage.replace("documents/ab/abc.pdf", content)

    assert storage.open("documents/ab/abc.pdf").read() == OLD
    assert files_in(tmp_path) == ["documents/ab/abc.pdf"]


def test_storage_writer_killed_halfway_leaves_no_partial_file_under_the_name(tmp_path):
    # A real crash: the writing process is killed (SIGKILL) in the middle of its write, so no
    # clean-up of ours runs. Only a temporary file may stay; the names hold old or nothing.
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "old.pdf").write_bytes(OLD)
    script = textwrap.dedent(f"""
        import sys, time
        from django.conf import settings
        settings.configure()
        from mbk.storage import AtomicFileSystemStorage

        class Stalls:
            def chunks(self):
                yield b"n" * 1_000_000
                print("halfway", flush=True)
                time.sleep(60)
                yield b"n" * 1_000_000

        storage = AtomicFileSystemStorage(location={str(tmp_path)!r})
        storage.{{method}}("documents/{{name}}", Stalls())
    """)
    for method, name in (("replace", "old.pdf"), ("save", "new.pdf")):
        writer = subprocess.Popen(
            [sys.executable, "-c", script.format(method=method, name=name)],
            cwd=BASE_DIR,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout.readline().strip() == "halfway"

        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
        writer.stdout.close()

    left = files_in(tmp_path)
    assert (tmp_path / "documents" / "old.pdf").read_bytes() == OLD
    assert not (tmp_path / "documents" / "new.pdf").exists()
    assert len(left) == 3
    assert [n for n in left if not n.endswith(".part")] == ["documents/old.pdf"]


def test_storage_concurrent_replaces_leave_one_whole_file(storage, tmp_path):
    contents = [bytes([65 + i]) * (1024 * 1024) for i in range(6)]
    writers = [
        threading.Thread(target=storage.replace, args=("documents/ab/abc.pdf", ContentFile(c)))
        for c in contents
    ]

    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=30)

    assert storage.open("documents/ab/abc.pdf").read() in contents
    assert files_in(tmp_path) == ["documents/ab/abc.pdf"]


def test_storage_s3_selected_without_a_bucket_stops_startup_naming_it():
    env = {
        "SECRET_KEY": SAFE_KEY,
        "DATABASE_URL": "postgres://u@db/mbk",
        "MBK_MEDIA_STORAGE": "s3",
        "AWS_ACCESS_KEY_ID": "key",
        "AWS_SECRET_ACCESS_KEY": "secret",
    }

    result = run_manage("check", env=env)

    assert result.returncode == 1
    assert (
        "Environment variable AWS_STORAGE_BUCKET_NAME is required when MBK_MEDIA_STORAGE is s3."
    ) in result.stderr


# --- No path to the media but the storage's own ----------------------------------------------
# What would reach a media file around the storage API: its folder (MEDIA_ROOT), a storage's
# or a file's path (storage.path(name), field_file.path), a rename or a storage class of our
# own making. Files of the CA and of the audit checkpoints are not media and have their paths.
ALLOWED = {"mbk/storage.py", "mbk/storage_s3.py", "mbk/settings.py"}
SKIPPED = {".venv", "node_modules", "tests", "var"}


def project_modules():
    for path in sorted(BASE_DIR.rglob("*.py")):
        relative = path.relative_to(BASE_DIR)
        if SKIPPED & set(relative.parts[:-1]) or str(relative) in ALLOWED:
            continue
        yield str(relative), ast.parse(path.read_text(), filename=str(relative))


def media_by_path(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name | ast.Attribute) and (
            getattr(node, "id", None) == "MEDIA_ROOT" or getattr(node, "attr", None) == "MEDIA_ROOT"
        ):
            found.append(f"{node.lineno}: MEDIA_ROOT")
        elif isinstance(node, ast.Constant) and node.value == "MEDIA_ROOT":
            found.append(f"{node.lineno}: 'MEDIA_ROOT'")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            called = node.func
            if called.attr in {"path", "temporary_file_path"}:
                found.append(f"{node.lineno}: .{called.attr}()")
            elif isinstance(called.value, ast.Name) and (called.value.id, called.attr) in {
                ("os", "replace"),
                ("os", "rename"),
                ("os", "link"),
                ("shutil", "move"),
                ("shutil", "copyfile"),
            }:
                found.append(f"{node.lineno}: {called.value.id}.{called.attr}()")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "path"
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "file"
        ):
            found.append(f"{node.lineno}: .file.path")
        elif isinstance(node, ast.ImportFrom) and any(
            alias.name in {"FileSystemStorage", "S3Storage"} for alias in node.names
        ):
            found.append(f"{node.lineno}: import of a storage class")
    return found


def test_storage_no_module_reaches_media_by_a_path():
    offenders = {name: found for name, tree in project_modules() if (found := media_by_path(tree))}

    assert offenders == {}


@pytest.mark.parametrize(
    "source",
    [
        "open(settings.MEDIA_ROOT / name)",
        "default_storage.path(name)",
        "job.file.path",
        "os.replace(a, b)",
        "from django.core.files.storage import FileSystemStorage",
        "getattr(settings, 'MEDIA_ROOT')",
    ],
)
def test_storage_guard_finds_each_way_around_the_storage(source):
    assert media_by_path(ast.parse(source)) != []


def test_storage_guard_lets_the_storage_api_through():
    source = (
        "default_storage.open(name, 'rb'); default_storage.replace(name, content); os.path.join(a)"
    )

    assert media_by_path(ast.parse(source)) == []


# --- The temporary files of writers that died ----------------------------------------------
def aged(path: Path, seconds: float) -> Path:
    then = path.stat().st_mtime - seconds
    os.utime(path, (then, then))
    return path


def test_storage_sweep_removes_only_the_old_temporary_files_of_dead_writers(storage, tmp_path):
    folder = tmp_path / "documents" / "2026"
    folder.mkdir(parents=True)
    written = {
        f".passport.pdf.{'a' * 32}.part": 7200,  # a dead writer's
        f".minutes.pdf.{'b' * 32}.part": 0,  # a writer at work: changed just now
        "passport.pdf": 7200,
        "notes.part": 7200,  # names not of our temporary files
        ".hidden.part": 7200,
        f"report.{'c' * 32}.part": 7200,
    }
    for name, age in written.items():
        (folder / name).write_bytes(b"data")
        aged(folder / name, age)

    removed = storage.remove_abandoned_parts(3600)

    assert removed == [f"documents/2026/.passport.pdf.{'a' * 32}.part"]
    assert files_in(tmp_path) == sorted(
        [
            f"documents/2026/.minutes.pdf.{'b' * 32}.part",
            "documents/2026/.hidden.part",
            "documents/2026/notes.part",
            "documents/2026/passport.pdf",
            f"documents/2026/report.{'c' * 32}.part",
        ]
    )
    assert storage.remove_abandoned_parts(3600) == []


def test_storage_sweep_task_cleans_the_media_folder_after_a_killed_writer(tmp_path, settings):
    from mbk.celery import app
    from mbk.tasks import task_remove_abandoned_parts

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "mbk.storage.AtomicFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    (tmp_path / "documents").mkdir()
    left = tmp_path / "documents" / f".x.pdf.{'d' * 32}.part"
    left.write_bytes(b"half")
    aged(left, settings.MEDIA_PART_MAX_AGE_SECONDS + 60)

    assert task_remove_abandoned_parts.delay().get(timeout=10) == 1  # eager in the tests
    assert files_in(tmp_path) == []
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "mbk.tasks.task_remove_abandoned_parts" in schedule
    app.loader.import_default_modules()  # what a worker imports at its start
    assert schedule <= set(app.tasks)  # every entry of beat names a task a worker knows
