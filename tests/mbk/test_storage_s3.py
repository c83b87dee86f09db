"""Media on an S3-compatible store (mbk/storage_s3.py), against a real one: Ceph's S3 gateway
(tests/s3_gateway.py), never a mock. Skipped where Ceph is not installed, except in CI."""

import hashlib
import io
import os
import re
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from documents import transitions
from mbk.storage_s3 import MediaS3Storage
from tests import s3_gateway
from tests.documents.test_pdf_pipeline import queued_job
from tests.factories import draft_proposal

BASE_DIR = Path(__file__).resolve().parents[2]
OLD = b"o" * (3 * 1024 * 1024)
NEW = b"n" * (3 * 1024 * 1024)
LARGE = b"L" * (9 * 1024 * 1024)  # over boto3's 8 MB: a multipart upload

pytestmark = pytest.mark.skipif(
    not s3_gateway.installed() and os.environ.get("CI") != "true",
    reason="Ceph's S3 gateway is not installed (bin/install --test installs it)",
)


# Once per test process: pytest-xdist's scheduling interleaves modules, so a module-scoped
# gateway was started (13 s each) up to three times in one run. Each test has its own bucket.
@pytest.fixture(scope="session")
def gateway(tmp_path_factory):
    started = s3_gateway.start(tmp_path_factory.mktemp("ceph"))
    yield started
    started.stop()


def options(gateway, bucket: str) -> dict:
    return {
        "bucket_name": bucket,
        "access_key": s3_gateway.ACCESS_KEY,
        "secret_key": s3_gateway.SECRET_KEY,
        "endpoint_url": gateway.endpoint,
        "addressing_style": "path",
        "signature_version": "s3v4",
    }


@pytest.fixture
def bucket(gateway):
    name = f"mbk-{uuid.uuid4().hex[:12]}"
    MediaS3Storage(**options(gateway, name)).connection.meta.client.create_bucket(Bucket=name)
    return name


@pytest.fixture
def submitted(author, chair, office):
    return transitions.proposal_submit(proposal_id=draft_proposal(author).pk, by=author)


@pytest.fixture
def s3(gateway, bucket):
    return MediaS3Storage(**options(gateway, bucket))


@pytest.fixture
def media_on_s3(settings, gateway, bucket):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "mbk.storage_s3.MediaS3Storage",
            "OPTIONS": options(gateway, bucket),
        },
    }
    return default_storage


class PausedStream(io.BytesIO):
    """A body whose reading stops at its middle until told to go on."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.half = len(data) // 2
        self.halfway, self.go_on = threading.Event(), threading.Event()

    def read(self, size=-1):
        if self.tell() + (size if size >= 0 else len(self.getvalue())) > self.half:
            self.halfway.set()
            self.go_on.wait(timeout=30)
        return super().read(size)


def test_storage_s3_save_under_a_taken_name_keeps_the_first_object(s3):
    first = s3.save("proposals/7/abc.pdf", ContentFile(OLD))

    second = s3.save("proposals/7/abc.pdf", ContentFile(NEW))

    assert first == "proposals/7/abc.pdf"
    assert re.fullmatch(r"proposals/7/abc_\w{7}\.pdf", second)
    assert s3.open(first).read() == OLD
    assert s3.open(second).read() == NEW


@pytest.mark.parametrize("new", [NEW, LARGE], ids=["one-put", "multipart"])
def test_storage_s3_reader_during_a_replace_sees_the_old_object_then_the_new(s3, new):
    s3.save("documents/ab/abc.pdf", ContentFile(OLD))
    body = PausedStream(new)
    writer = threading.Thread(target=s3.replace, args=("documents/ab/abc.pdf", body))
    writer.start()
    assert body.halfway.wait(timeout=30)

    during = s3.open("documents/ab/abc.pdf").read()
    body.go_on.set()
    writer.join(timeout=60)
    after = s3.open("documents/ab/abc.pdf").read()

    assert during == OLD
    assert after == new
    assert s3.listdir("documents/ab") == ([], ["abc.pdf"])


def test_storage_s3_issues_no_url_of_an_object(s3):
    name = s3.save("proposals/7/abc.pdf", ContentFile(OLD))

    with pytest.raises(NotImplementedError, match="no object URL is issued"):
        s3.url(name)


def test_storage_s3_objects_are_not_readable_without_credentials(gateway, s3):
    import urllib.error
    import urllib.request

    name = s3.save("proposals/7/abc.pdf", ContentFile(OLD))

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{gateway.endpoint}/{s3.bucket_name}/{name}")
    assert refused.value.code == 403


@pytest.mark.django_db
def test_storage_s3_upload_and_download_of_an_attachment_pass_through_the_bucket(
    media_on_s3, client, author, cluster
):
    draft = draft_proposal(author)
    client.force_login(author)
    pdf = b"%PDF-1.4\n" + os.urandom(4096) + b"\n%%EOF\n"

    client.post(
        f"/proposals/{draft.pk}/attachments/", {"file": ContentFile(pdf, name="passport.pdf")}
    )
    attachment = draft.attachments.get()
    response = client.get(f"/attachments/{attachment.pk}/")

    assert attachment.file.name == f"proposals/{draft.pk}/{attachment.sha256}.pdf"
    assert media_on_s3.open(attachment.file.name).read() == pdf
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="passport.pdf"'
    assert b"".join(response.streaming_content) == pdf


@pytest.mark.django_db
def test_storage_s3_rendered_document_is_stored_in_the_bucket_and_downloaded(
    media_on_s3, submitted, author, client
):
    from documents.models import RenderJob
    from documents.pdf import pipeline

    job = queued_job(submitted, author)

    pipeline.render_job(job.pk, task_id="m-1")

    job.refresh_from_db()
    client.force_login(author)
    body = b"".join(client.get(f"/documents/{job.pk}/download/").streaming_content)
    assert job.status == RenderJob.Status.DONE
    assert job.file.name == f"documents/passport/{job.file_sha256[:2]}/{job.file_sha256}.pdf"
    assert hashlib.sha256(media_on_s3.open(job.file.name).read()).hexdigest() == job.file_sha256
    assert body == media_on_s3.open(job.file.name).read()
    assert body.startswith(b"%PDF-")


def test_storage_s3_selected_by_the_environment(gateway, bucket):
    env = {
        **os.environ,
        "DEBUG": "1",
        "MBK_MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_ACCESS_KEY_ID": s3_gateway.ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": s3_gateway.SECRET_KEY,
        "AWS_S3_ENDPOINT_URL": gateway.endpoint,
    }
    code = (
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage as s\n"
        "name = s.save('a/b.txt', ContentFile(b'via settings'))\n"
        "print(type(s._wrapped).__name__, name)"
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.stdout.splitlines()[-1] == "MediaS3Storage a/b.txt", result.stderr
    assert MediaS3Storage(**options(gateway, bucket)).open("a/b.txt").read() == b"via settings"
