"""HTML to PDF with WeasyPrint, fetching only what fetcher.py allows."""


def html_to_pdf(html: str, *, title: str, author: str, language: str) -> bytes:
    # Imported here: WeasyPrint is heavy and only the worker renders (STYLE.md).
    from weasyprint import HTML

    from documents.pdf.fetcher import STATIC_BASE, safe_url_fetcher

    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=safe_url_fetcher())
    rendered = document.render()
    rendered.metadata.title = title
    rendered.metadata.authors = [author]
    rendered.metadata.lang = language
    return rendered.write_pdf()
