"""HTML to PDF with WeasyPrint, fetching only what fetcher.py allows."""

import io
from collections.abc import Sequence

from documents.pdf.sources import EmbeddedFile


def html_to_pdf(
    html: str,
    *,
    title: str,
    author: str,
    language: str,
    variant: str = "",
    embedded: Sequence[EmbeddedFile] = (),
) -> bytes:
    """The PDF of a complete HTML document, with its title, author and language in the PDF's
    metadata. Relative and {% static %} URLs of the HTML resolve to our static files. A variant
    ("pdf/a-3b") makes an archival PDF; embedded files become its associated files (PDF/A-3
    allows any kind of file, PDF/A-1 and -2 do not)."""
    # Imported here: WeasyPrint is heavy and only the worker renders (STYLE.md).
    from weasyprint import HTML, Attachment

    from documents.pdf.fetcher import static_base, weasyprint_url_fetcher

    document = HTML(string=html, base_url=static_base(), url_fetcher=weasyprint_url_fetcher())
    rendered = document.render()
    rendered.metadata.title = title
    rendered.metadata.authors = [author]
    rendered.metadata.lang = language
    attachments = [
        Attachment(
            file_obj=io.BytesIO(item.content),
            name=item.name,
            description=item.description,
            relationship="Data",
        )
        for item in embedded
    ]
    return rendered.write_pdf(pdf_variant=variant or None, attachments=attachments)
