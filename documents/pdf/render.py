"""HTML to PDF with WeasyPrint, fetching only what fetcher.py allows."""


def html_to_pdf(html: str, *, title: str, author: str, language: str) -> bytes:
    """The PDF of a complete HTML document, with its title, author and language in the PDF's
    metadata. Relative and {% static %} URLs of the HTML resolve to our static files."""
    # Imported here: WeasyPrint is heavy and only the worker renders (STYLE.md).
    from weasyprint import HTML

    from documents.pdf.fetcher import static_base, weasyprint_url_fetcher

    document = HTML(string=html, base_url=static_base(), url_fetcher=weasyprint_url_fetcher())
    rendered = document.render()
    rendered.metadata.title = title
    rendered.metadata.authors = [author]
    rendered.metadata.lang = language
    return rendered.write_pdf()
