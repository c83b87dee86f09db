"""Attachments are accepted by what they are, not by what they are called, and no larger than
settings.ATTACHMENT_MAX_BYTES — counted while the upload streams in, so an oversized file is
dropped before it is ever stored whole. A zip-based document (DOCX, XLSX, ODT) is opened only
once its directory shows that it inflates within the limits (open_archive), and the checks read
a few hundred bytes of a member at most: a small upload cannot make the server inflate gigabytes.
The name it is stored and downloaded under ends with the extension of its real type."""

import hashlib
import io
import struct
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext_lazy as _

ALLOWED = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
}
ALLOWED_TEXT = _("PDF, DOCX, XLSX, ODT, PNG or JPEG")


class UploadTooLargeError(Exception):
    pass


class UnsafeArchiveError(ValueError):
    """A zip that would inflate past the limits: refused from its directory, before any of its
    members is inflated."""

    def __init__(self):
        super().__init__(
            str(
                _(
                    "The file is packed suspiciously: unpacked, it would be too large or made of "
                    "too many parts. Save it again in your office application and attach it anew."
                )
            )
        )


ZIP_HEAD_BYTES = 512  # the most a check reads of any member
RATIO_FREE_BYTES = 1024 * 1024  # a member inflating to less is harmless whatever its ratio
_END_OF_DIRECTORY = b"PK\x05\x06"
_END_OF_DIRECTORY_MAX = 22 + 65535  # the record and the longest archive comment
_DIRECTORY_BYTES_PER_MEMBER = 1024  # a generous record: 46 bytes, a path, extra fields


def open_archive(data: bytes) -> zipfile.ZipFile:
    """The zip of an uploaded document, once its directory shows that it stays within
    settings.UPLOAD_ZIP_MAX_MEMBERS members, UPLOAD_ZIP_MAX_BYTES inflated in all and
    UPLOAD_ZIP_MAX_RATIO for every member over 1 MB. The directory may lie: a reader that
    inflates members whole must call inflate_all() first.

    Raises UnsafeArchiveError, or zipfile.BadZipFile for what is no zip at all."""
    tail = data[-_END_OF_DIRECTORY_MAX:]
    at = tail.rfind(_END_OF_DIRECTORY)
    if at < 0 or len(tail) < at + 22:
        raise zipfile.BadZipFile("no end of central directory")
    # zipfile makes an object of every record of the directory: bound them before it does.
    members, directory_bytes = struct.unpack_from("<HI", tail, at + 10)
    limit = settings.UPLOAD_ZIP_MAX_MEMBERS
    if members > limit or directory_bytes > limit * _DIRECTORY_BYTES_PER_MEMBER:
        raise UnsafeArchiveError
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = archive.infolist()
    packed_too_tight = any(
        info.file_size > RATIO_FREE_BYTES
        and info.file_size > settings.UPLOAD_ZIP_MAX_RATIO * max(info.compress_size, 1)
        for info in infos
    )
    too_large = sum(info.file_size for info in infos) > settings.UPLOAD_ZIP_MAX_BYTES
    if len(infos) > limit or too_large or packed_too_tight:
        archive.close()
        raise UnsafeArchiveError
    return archive


def inflate_all(archive: zipfile.ZipFile, between=lambda: None) -> None:
    """Inflate every member in small pieces, keeping none, calling between() after each piece.
    A member inflating past the size its directory declares stops there and fails its checksum
    (zipfile.BadZipFile). Needed before a reader that inflates members whole (openpyxl):
    zipfile's read() of a whole member inflates all its compressed bytes hold, whatever the
    directory says — up to a thousand times the upload."""
    for info in archive.infolist():
        with archive.open(info) as member:
            while member.read(64 * 1024):
                between()


def _head(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as member:
        return member.read(ZIP_HEAD_BYTES)


class SizeLimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of each file as they arrive and stops the upload past the limit."""

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = limit or settings.ATTACHMENT_MAX_BYTES
        self.received = 0

    def handle_raw_input(self, input_data, meta, content_length, boundary, encoding=None):
        # Refuse at once what announces itself as too large (1 MB for the form's other parts).
        if content_length and content_length > self.limit + 1024 * 1024:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def sniff(data: bytes) -> str | None:
    """The extension the content really has, or None if it is not an allowed type. Raises
    UnsafeArchiveError for a zip that would inflate past the limits."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if head.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with open_archive(data) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names:
                    return ".docx"
                if "xl/workbook.xml" in names:
                    return ".xlsx"
                if "mimetype" in names:
                    mimetype = _head(archive, "mimetype").strip()
                    if mimetype == b"application/vnd.oasis.opendocument.text":
                        return ".odt"
        except (zipfile.BadZipFile, EOFError, RuntimeError, NotImplementedError):
            return None  # no zip, truncated, encrypted, or an unknown compression
    return None


def clean_name(name: str) -> str:
    """The uploader's file name for display only: no folders, no control characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in "\u202e\u202d\u200b")
    return base.strip()[:200] or "file"


_SAME_TYPE = {".jpg": {".jpg", ".jpeg"}}


def named_as(name: str, extension: str) -> str:
    """The person's file name ending with the extension of the file's real type: a PDF sent as
    report.html is report.pdf, a DOCX sent as x.pdf is x.docx; a name that already says the
    type (in any case) is kept as it is."""
    stem, dot, suffix = name.rpartition(".")
    if not (dot and 1 <= len(suffix) <= 10 and suffix.isascii() and suffix.isalnum()):
        stem = name  # no extension, only a dot in the name
    elif f".{suffix.lower()}" in _SAME_TYPE.get(extension, {extension}):
        return name
    return (stem or "file")[: 200 - len(extension)] + extension


@dataclass
class CheckedUpload:
    original_name: str
    content_type: str
    extension: str
    size: int
    sha256: str
    data: bytes

    def read(self) -> bytes:
        return self.data


def check_upload(uploaded) -> CheckedUpload:
    """Raise ValueError with a message for the person unless the file is allowed."""
    if uploaded.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValueError(too_large_message())
    if uploaded.size == 0:
        raise ValueError(_("The file is empty."))
    data = b"".join(uploaded.chunks())
    extension = sniff(data)
    if extension is None:
        raise ValueError(
            _("This file is not a %(types)s document, whatever its name says.")
            % {"types": ALLOWED_TEXT}
        )
    return CheckedUpload(
        original_name=named_as(clean_name(uploaded.name or "file"), extension),
        content_type=ALLOWED[extension],
        extension=extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )


def too_large_message() -> str:
    megabytes = settings.ATTACHMENT_MAX_BYTES / (1024 * 1024)
    return str(_("The file is larger than %(mb)s MB.") % {"mb": f"{megabytes:g}"})
