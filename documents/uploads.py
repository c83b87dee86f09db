"""Attachments are accepted by what they are, not by what they are called, and no larger than
settings.ATTACHMENT_MAX_BYTES — counted while the upload streams in, so an oversized file is
dropped before it is ever stored whole."""

import hashlib
import io
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


def sniff(head: bytes, data_for_zip) -> str | None:
    """The extension the content really has, or None if it is not an allowed type."""
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if head.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(data_for_zip) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names:
                    return ".docx"
                if "xl/workbook.xml" in names:
                    return ".xlsx"
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").strip()
                    if mimetype == b"application/vnd.oasis.opendocument.text":
                        return ".odt"
        except zipfile.BadZipFile:
            return None
    return None


def clean_name(name: str) -> str:
    """The uploader's file name for display only: no folders, no control characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in "\u202e\u202d\u200b")
    return base.strip()[:200] or "file"


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
    extension = sniff(data[:16], io.BytesIO(data))
    if extension is None:
        raise ValueError(
            _("This file is not a %(types)s document, whatever its name says.")
            % {"types": ALLOWED_TEXT}
        )
    return CheckedUpload(
        original_name=clean_name(uploaded.name or "file"),
        content_type=ALLOWED[extension],
        extension=extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )


def too_large_message() -> str:
    megabytes = settings.ATTACHMENT_MAX_BYTES / (1024 * 1024)
    return str(_("The file is larger than %(mb)s MB.") % {"mb": f"{megabytes:g}"})
