"""PDF rendering reads nothing but our own static files and data: URLs: hostile proposal text
is shown escaped, and even raw HTML that asks for local files or network addresses gets nothing
(documents/pdf/fetcher.py). A local listener proves that no connection is attempted."""

import base64
import io
import logging
import re
import socket
import threading
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from documents import transitions
from documents.models import Proposal
from documents.pdf import render, sources
from documents.pdf.fetcher import RefusedURLError, safe_url_fetcher, static_base
from tests.factories import draft_proposal

PASSWD_LINE = "root:x:0:0"
PIXEL_PNG = (  # a 1×1 PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
    "/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)


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
    """Markup that would read /etc/passwd or reach the network if it were taken as HTML."""
    return [
        '<img src="file:///etc/passwd">',
        '<link rel=attachment href="file:///etc/passwd">',
        "<style>@import url(http://169.254.169.254/latest/meta-data/);</style>",
        f'<div style="background: url(http://127.0.0.1:{port}/x)">фон</div>',
        f'<img src="http://127.0.0.1:{port}/img.png">',
        f"<style>@import 'http://127.0.0.1:{port}/a.css';</style>",
        '<object data="file:///etc/passwd"></object>',
        '<a rel="attachment" href="file:///etc/passwd">вложение</a>',
        '<img src="../../../../etc/passwd">',
        '<img src="/static/../../../etc/passwd">',
    ]


def svg_data_url(port: int) -> str:
    """An SVG image that itself asks for a local file and the listener."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        ' width="10" height="10">'
        '<image xlink:href="file:///etc/passwd" width="10" height="10"/>'
        f'<image href="http://127.0.0.1:{port}/svg.png" width="10" height="10"/>'
        "</svg>"
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def text_and_files(pdf: bytes) -> tuple[str, dict]:
    """The PDF's text (runs of white space made one space) and its embedded files."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text), dict(reader.attachments)


# --- Whole documents -----------------------------------------------------------------------
@pytest.mark.django_db
def test_passport_with_hostile_text_shows_it_escaped_and_fetches_nothing(author, chair, listener):
    markup = hostile_markup(listener.port)
    proposal = draft_proposal(
        author,
        title=markup[0],
        summary=markup[0] + markup[1],
        goals=markup[2],
        description=markup[3] + markup[4],
        expected_results=markup[5] + markup[6],
        investors_and_partners=markup[7],
        contact_name=markup[8],
    )
    proposal = transitions.proposal_submit(proposal_id=proposal.pk, by=author)
    source = sources.build(
        sources.PASSPORT,
        proposal,
        proposal.versions.get(),
        language="ru",
        generated_at=datetime.now(UTC),
    )

    pdf = render.html_to_pdf(source.html, title=source.title, author="МБК", language="ru")

    text, files = text_and_files(pdf)
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in source.html
    assert '<img src="file:///etc/passwd">' in text  # shown as the text it is
    assert "<style>@import url(http://169.254.169.254/latest/meta-data/);</style>" in text
    assert PASSWD_LINE not in text
    assert files == {}
    assert listener.connections == 0


@pytest.mark.django_db
def test_conclusion_with_hostile_review_and_remarks_shows_them_escaped(
    author, chair, expert, listener
):
    markup = hostile_markup(listener.port)
    proposal = transitions.proposal_submit(proposal_id=draft_proposal(author).pk, by=author)
    transitions.proposal_assign_experts(proposal_id=proposal.pk, by=chair, experts=[expert])
    scores = {"relevance": 3, "science": 3, "market": 3, "feasibility": 3, "team": 3}
    transitions.proposal_review(
        proposal_id=proposal.pk,
        by=expert,
        scores=scores,
        recommendation="revise",
        comments=markup[0] + markup[3],
    )
    transitions.proposal_request_revision(
        proposal_id=proposal.pk, by=chair, remarks=[markup[1], markup[5]]
    )
    proposal = Proposal.objects.get(pk=proposal.pk)
    source = sources.build(
        sources.CONCLUSION,
        proposal,
        proposal.versions.get(),
        language="ru",
        generated_at=datetime.now(UTC),
    )

    pdf = render.html_to_pdf(source.html, title=source.title, author="МБК", language="ru")

    text, files = text_and_files(pdf)
    assert '<link rel=attachment href="file:///etc/passwd">' in text
    assert PASSWD_LINE not in text
    assert files == {}
    assert listener.connections == 0


def test_raw_html_asking_for_files_and_addresses_gets_nothing(listener, caplog):
    hostile = "".join(hostile_markup(listener.port))
    svg = f'<img src="{svg_data_url(listener.port)}" alt="">'
    html = f"<html><body><p>Проверка</p>{hostile}{svg}</body></html>"

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render.html_to_pdf(html, title="t", author="a", language="ru")

    text, files = text_and_files(pdf)
    refused = " ".join(
        r.getMessage() for r in caplog.records if "RefusedURLError" in r.getMessage()
    )
    assert "file:///etc/passwd" in refused  # asked for, and refused by our fetcher
    assert f"http://127.0.0.1:{listener.port}/" in refused
    assert "http://169.254.169.254/" in refused
    assert "Проверка" in text
    assert PASSWD_LINE not in text
    assert PASSWD_LINE.encode() not in pdf
    assert files == {}
    assert listener.connections == 0


def test_data_urls_and_our_static_files_are_rendered():
    html = (
        '<html><head><link rel="stylesheet" href="pdf/fonts.css">'
        '<link rel="stylesheet" href="/static/pdf/print.css"></head>'  # as {% static %} writes it
        f'<body><img src="data:image/png;base64,{PIXEL_PNG}" alt=""><p>Пиксель</p></body></html>'
    )

    pdf = render.html_to_pdf(html, title="t", author="a", language="ru")

    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    fonts = {  # subset names: "ABCDEF+PT-Sans"
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for font in page["/Resources"]["/Font"].values()
    }
    assert "Пиксель" in page.extract_text()
    assert len(page.images) == 1
    assert fonts == {"PT-Sans"}


# --- The fetcher ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1:8000/",
        "http://localhost/",
        "https://localhost/static/pdf/print.css",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/style.css",
        "ftp://example.org/x",
        "http://mbk-static.invalid/static/pdf/print.css",
        "https://mbk-static.invalid.evil.example/static/pdf/print.css",
        "https://mbk-static.invalid/etc/passwd",
        "{base}../../../etc/passwd",
        "{base}pdf/../../mbk/settings.py",
        "{base}%2e%2e/%2e%2e/etc/passwd",
        "{base}pdf/%2E%2E/%2E%2E/mbk/settings.py",
        "{base}pdf%2f..%2f..%2fmbk%2fsettings.py",
        "{base}pdf\\..\\..\\mbk\\settings.py",
        "{base}pdf//print.css",
        "{base}pdf/print.css%00.png",
        "{base}/etc/passwd",
        "{base}no-such-file.css",
        "{base}",
    ],
)
def test_safe_url_fetcher_refuses(url):
    with pytest.raises(RefusedURLError):
        safe_url_fetcher(url.format(base=static_base()))


def test_safe_url_fetcher_serves_a_static_file_with_its_type():
    found = safe_url_fetcher(static_base() + "pdf/print.css")

    assert found["mime_type"] == "text/css"
    assert b"@page" in found["string"]


def test_safe_url_fetcher_serves_the_font_of_the_npm_package():
    found = safe_url_fetcher(
        static_base() + "vendor/fonts/pt-sans/400Regular/PTSans_400Regular.ttf"
    )

    assert found["string"][:4] == b"\x00\x01\x00\x00"  # a TrueType font


def test_safe_url_fetcher_decodes_data_urls():
    found = safe_url_fetcher(f"data:image/png;base64,{PIXEL_PNG}")

    assert found["mime_type"] == "image/png"
    assert found["string"] == base64.b64decode(PIXEL_PNG)


def test_safe_url_fetcher_serves_collected_files_and_no_link_out_of_them(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "print.0123abcd.css").write_text("@page { size: A4 }")
    (tmp_path / "pdf" / "passwd.css").symlink_to("/etc/passwd")

    found = safe_url_fetcher(static_base() + "pdf/print.0123abcd.css")

    assert found["string"] == b"@page { size: A4 }"
    with pytest.raises(RefusedURLError):
        safe_url_fetcher(static_base() + "pdf/passwd.css")


def test_static_base_follows_static_url(settings):
    settings.STATIC_URL = "/assets/"

    assert static_base() == "https://mbk-static.invalid/assets/"
