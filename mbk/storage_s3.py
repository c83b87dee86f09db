"""Media on an S3-compatible object store (MBK_MEDIA_STORAGE=s3; mbk/storage.py tells the
rules). Imported only when selected, so the filesystem default never loads boto3.

The objects are private: no ACL is set (the bucket's own, private, applies) and no URL of an
object is ever handed to a browser. Downloads stream through Django (documents/downloads.py),
after the same permission checks as on a folder: a presigned URL would be a bearer token that
outlives a permission withdrawn meanwhile (an expert who declares a conflict), would need the
store reachable from the browsers, and would bypass the blind names of attachments."""

from django.core.files import File
from django.core.files.utils import validate_file_name
from storages.backends.s3 import S3Storage


class MediaS3Storage(S3Storage):
    # save() never overwrites (a taken name gets a new one), as on a folder; replace() does.
    file_overwrite = False
    default_acl = None

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError("Media are streamed through Django; no object URL is issued.")

    def replace(self, name: str, content) -> str:
        """Store content under exactly name, replacing the object there if there is one: one
        PUT (a multipart upload's completion for a large file) is atomic."""
        validate_file_name(name, allow_relative_path=True)
        if not hasattr(content, "chunks"):
            content = File(content, name)
        return self._save(name, content)
