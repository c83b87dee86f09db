"""Where media live: uploads, rendered and signed PDFs, version files. Every write and read goes
through Django's storage API (default_storage, a FileField's file), never through a path, so
the same code runs on the embedded default, a folder (shared by the nodes, e.g. over NFS), and
on an S3-compatible object store (MBK_MEDIA_STORAGE=s3, mbk/storage_s3.py).

The atomic-write rule: a reader never sees a half-written file, and a write killed halfway
leaves no partial file under the final name. On a folder that takes a temporary file beside
the final one, flushed to the disk, then linked or renamed over the name (atomic within a
folder), and the folder flushed so that the rename survives a power cut; on S3 one PUT (or the
completion of a multipart upload) already makes the object appear whole or not at all.

Both backends answer replace(name, content): the content under exactly that name, over
whatever is there (a rendered document is named by its content's hash, so a second render of
the same job writes the same name instead of a second file). save() keeps Django's rule of
never overwriting: a taken name gets a new one.

A writer killed halfway (the OOM killer, a lost node) leaves its temporary file, under a name
no reader asks for; remove_abandoned_parts() removes those left long enough (mbk/tasks.py, on
beat's schedule)."""

import os
import re
import time
import uuid

from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.core.files.utils import validate_file_name
from django.utils._os import safe_makedirs


def _fsync_folder(folder: str) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# The temporary file of a write: "." + the final name + "." + 32 hex digits + ".part".
PART_NAME = re.compile(r"^\..+\.[0-9a-f]{32}\.part$")


class AtomicFileSystemStorage(FileSystemStorage):
    """Django's FileSystemStorage whose every write is whole or absent (see the module)."""

    def remove_abandoned_parts(self, older_than: float) -> list[str]:
        """Remove the temporary files not written to for `older_than` seconds: those of
        writers that died. A write in progress keeps changing its file's modification time;
        a write that takes longer than the age between two chunks is not one of ours (uploads
        arrive whole before they are written). Returns the names removed."""
        removed = []
        before = time.time() - older_than
        for folder, _folders, files in os.walk(self.location):
            for file in files:
                path = os.path.join(folder, file)
                if not PART_NAME.match(file):
                    continue
                try:
                    if os.lstat(path).st_mtime >= before:
                        continue
                    os.unlink(path)
                except FileNotFoundError:  # its writer finished or another sweep took it
                    continue
                removed.append(os.path.relpath(path, self.location).replace("\\", "/"))
        return removed

    def _save(self, name: str, content) -> str:
        return self._write(name, content, overwrite=self._allow_overwrite)

    def replace(self, name: str, content) -> str:
        """Store content under exactly name, replacing the file there if there is one."""
        validate_file_name(name, allow_relative_path=True)
        if not hasattr(content, "chunks"):
            content = File(content, name)
        return self._write(name, content, overwrite=True)

    def _write(self, name: str, content, *, overwrite: bool) -> str:
        full_path = self.path(name)
        folder = os.path.dirname(full_path)
        self._make_folder(folder)
        temporary = os.path.join(folder, f".{os.path.basename(full_path)}.{uuid.uuid4().hex}.part")
        # O_EXCL: the name is ours alone; 0o666 less the umask, as Django creates its files.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                for chunk in content.chunks():
                    handle.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                handle.flush()
                os.fsync(handle.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            full_path = self._publish(temporary, full_path, overwrite=overwrite)
        finally:
            if os.path.lexists(temporary):
                os.unlink(temporary)
        _fsync_folder(folder)  # the new name survives a power cut
        self._ensure_location_group_id(full_path)
        return os.path.relpath(full_path, self.location).replace("\\", "/")

    def _publish(self, temporary: str, full_path: str, *, overwrite: bool) -> str:
        """Give the written file its name; returns the name's full path."""
        if overwrite:
            os.replace(temporary, full_path)
            return full_path
        while True:
            try:
                os.link(temporary, full_path)  # fails, atomically, if the name is taken
            except FileExistsError:
                relative = os.path.relpath(full_path, self.location)
                full_path = self.path(self.get_available_name(relative))
            else:
                os.unlink(temporary)
                return full_path

    def _make_folder(self, folder: str) -> None:
        try:
            if self.directory_permissions_mode is not None:
                # Django's own helper: os.makedirs() does not give intermediate folders the mode.
                safe_makedirs(folder, self.directory_permissions_mode, exist_ok=True)
            else:
                os.makedirs(folder, exist_ok=True)
        except FileExistsError:
            raise FileExistsError(f"{folder} exists and is not a folder.") from None
