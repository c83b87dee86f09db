"""PDF rendering reads nothing but our own static files and data: URLs: hostile proposal text
is shown escaped, and even raw HTML that asks for local files or network addresses gets nothing
(documents/pdf/fetcher.py). A local listener proves that no connection is attempted."""

import io
import socket
import threading
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from documents.models import RenderJob
from documents.pdf import render, sources
from documents.pdf.fetcher import STATIC_BASE, RefusedURLError, fetch_allowed, static_path
from tests.factories import draft_proposal
from workflow import services

PASSWD_LINE = "root:x:0:0"


class Listener:
    """A TCP port on 127.0.0.1 that records whether anything connected to it."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self):
        self._stop.set()
        self._thread.join()
        self.socket.close()


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.close()


def hostile_markup(port: int) -> list[str]:
    return [
        '<img src="file:///etc/passwd">',
        '<link rel=attachment href="file:///etc/passwd">',
        "<style>@import url(http://169.254.169.254/latest/meta-data/);</style>",
        f'<div style="background: url(http://127.0.0.1:{port}/x)">фон</div>',
        f'<img src="http://127.0.0.1:{port}/img.png">',
        f"<style>@import 'http://127.0.0.1:{port}/a.css';</style>",
        '<object data="file:///etc/passwd"></object>',
    ]


def text_and_files(pdf: bytes) -> tuple[str, dict]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text, dict(reader.attachments)


@pytest.mark.django_db
def test_hostile_proposal_text_is_shown_escaped_and_fetches_nothing(author, chair, listener):
    markup = hostile_markup(listener.port)
    proposal = draft_proposal(
        author,
        summary=markup[0] + markup[1],
        goals=markup[2],
        description=markup[3] + markup[4],
        expected_results=markup[5] + markup[6],
    )
    proposal = services.proposal_submit(proposal_id=proposal.pk, by=author)
    version = proposal.versions.get()
    source = sources.build(
        RenderJob.Kind.PASSPORT,
        proposal,
        version,
        language="ru",
        generated_at=datetime.now(UTC),
    )

    pdf = render.html_to_pdf(source.html, title=source.title, author="МБК", language="ru")

    text, files = text_and_files(pdf)
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in source.html
    assert "file:///etc/passwd" in text  # shown as the text it is
    assert PASSWD_LINE not in text
    assert files == {}
    assert listener.connections == 0


def test_raw_html_asking_for_files_and_addresses_gets_nothing(listener):
    html = "<html><body><p>Проверка</p>" + "".join(hostile_markup(listener.port)) + "</body></html>"

    pdf = render.html_to_pdf(html, title="t", author="a", language="ru")

    text, files = text_and_files(pdf)
    assert "Проверка" in text
    assert PASSWD_LINE not in text
    assert PASSWD_LINE.encode() not in pdf
    assert files == {}
    assert listener.connections == 0


def test_data_urls_and_our_static_files_are_rendered():
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
        "/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
    )
    html = (
        '<html><head><link rel="stylesheet" href="pdf/print.css"></head>'
        f'<body><img src="{pixel}" alt=""><p>Пиксель</p></body></html>'
    )

    pdf = render.html_to_pdf(html, title="t", author="a", language="ru")

    text, _ = text_and_files(pdf)
    assert "Пиксель" in text
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:8000/",
        "http://localhost/",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/style.css",
        "ftp://example.org/x",
        STATIC_BASE + "../../../etc/passwd",
        STATIC_BASE + "pdf/../../mbk/settings.py",
        STATIC_BASE + "%2e%2e/%2e%2e/etc/passwd",
        STATIC_BASE + "pdf//print.css",
        STATIC_BASE + "no-such-file.css",
        "https://mbk-static.invalid.evil.example/static/pdf/print.css",
    ],
)
def test_fetcher_refuses(url):
    with pytest.raises(RefusedURLError):
        fetch_allowed(url)


def test_fetcher_serves_a_static_file_with_its_type():
    found = fetch_allowed(STATIC_BASE + "pdf/print.css")

    assert found["type"] == "text/css"
    assert b"@page" in found["body"]


def test_fetcher_serves_the_font_from_the_npm_package():
    path = static_path(STATIC_BASE + "vendor/fonts/pt-sans/400Regular/PTSans_400Regular.ttf")

    assert path is not None
    assert path.read_bytes()[:4] == b"\x00\x01\x00\x00"  # a TrueType font
