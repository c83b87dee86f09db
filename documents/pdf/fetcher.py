"""The only way WeasyPrint may load anything: our own static files and data: URLs.

User text cannot bring in a resource (it is escaped), but a document must not be able to read
the server's files or reach its network even if a template goes wrong: every URL that is not a
static file of ours (file:, http(s) to anywhere, including this host and cloud metadata
addresses, ftp:, ...) is refused here. Nothing is ever fetched over the network, so nothing
can redirect either."""

import mimetypes
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

# Documents are rendered with a base URL on this host (static_base): their relative links
# ("pdf/print.css") and {% static %} paths ("/static/pdf/print.css") resolve onto it and come
# back here as names of static files. The .invalid top-level domain is reserved and never
# resolves, so even a fetcher that slipped through could reach no network.
STATIC_HOST = "https://mbk-static.invalid"


class RefusedURLError(ValueError):
    pass


def static_base() -> str:
    """The base URL of documents: STATIC_URL's path on STATIC_HOST."""
    static_path_prefix = urlsplit(settings.STATIC_URL).path.strip("/")
    return f"{STATIC_HOST}/{static_path_prefix}/" if static_path_prefix else f"{STATIC_HOST}/"


def static_path(url: str) -> Path | None:
    """The file behind a static_base() URL, or None if there is none.

    Names with "..", "." or empty parts, backslashes or NUL are refused before any lookup
    (after percent-decoding, so "%2e%2e" is ".."). The finders serve the unhashed names in
    development and in workers alike; STATIC_ROOT (collectstatic) also serves hashed ones."""
    base = static_base()
    if not url.startswith(base):
        return None
    relative = unquote(urlsplit(url[len(base) :]).path)
    parts = relative.split("/")
    if not relative or any(part in ("", ".", "..") for part in parts):
        return None
    if "\\" in relative or "\x00" in relative:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    root = Path(settings.STATIC_ROOT).resolve()
    collected = (root / relative).resolve()
    if collected.is_file() and root in collected.parents:
        return collected
    return None


def _decode_data_url(url: str) -> dict:
    # urllib's DataHandler only decodes the URL it is given: it opens no file and no socket.
    request = urllib.request.Request(url)  # noqa: S310 (a data: URL, checked by the caller)
    response = urllib.request.DataHandler().data_open(request)
    return {
        "string": response.read(),
        "mime_type": response.headers.get_content_type(),
        "redirected_url": url,
    }


def safe_url_fetcher(url: str, timeout: int = 10, ssl_context=None) -> dict:
    """Body and type of a data: URL or of a static file of ours, as WeasyPrint's classic
    fetchers answer ({"string", "mime_type", "redirected_url"}); RefusedURLError for anything
    else. `timeout` and `ssl_context` are part of that signature and unused: nothing is
    fetched over a network."""
    if urlsplit(url).scheme.lower() == "data":
        return _decode_data_url(url)
    path = static_path(url)
    if path is None:
        raise RefusedURLError(
            f"refused to fetch {url[:200]!r}: only our static files and data: URLs"
        )
    mime_type, _encoding = mimetypes.guess_type(path.name)
    return {
        "string": path.read_bytes(),
        "mime_type": mime_type or "application/octet-stream",
        "redirected_url": url,
    }


def weasyprint_url_fetcher():
    """safe_url_fetcher in the form WeasyPrint (66 and later) calls: a URLFetcher whose every
    fetch goes through safe_url_fetcher, never through urllib's openers. WeasyPrint is
    imported here, in the worker only (STYLE.md)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            found = safe_url_fetcher(url)
            return URLFetcherResponse(
                found["redirected_url"], found["string"], {"Content-Type": found["mime_type"]}
            )

    # The arguments only matter if fetch() above were bypassed: then no redirects, and no
    # protocol but the two ours use.
    return SafeURLFetcher(allow_redirects=False, allowed_protocols={"data", "https"})
