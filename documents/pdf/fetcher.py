"""The only way WeasyPrint may load anything: our own static files and data: URLs.

User text cannot bring in a resource (it is escaped), but a document must not be able to read
the server's files or reach its network even if a template goes wrong: every URL that is not a
static file of ours (file:, http(s) to anywhere, including this host and cloud metadata
addresses) is refused here, and nothing is ever fetched over the network, so nothing redirects."""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

# The base URL of documents (render.py): their relative links ("pdf/print.css") resolve against
# it and come back here as static file names. The .invalid domain is reserved and never
# resolves, so nothing could reach a network. Names are the unhashed ones: the finders serve
# them in development and in workers alike, without collectstatic's manifest.
STATIC_BASE = "https://mbk-static.invalid/static/"


class RefusedURLError(ValueError):
    pass


def static_path(url: str) -> Path | None:
    """The file behind a STATIC_BASE URL, or None if there is none. Names with "..", empty or
    absolute parts are refused before any lookup; the finders look within their roots only."""
    relative = unquote(urlsplit(url[len(STATIC_BASE) :]).path)
    parts = relative.split("/")
    if not relative or any(part in ("", ".", "..") for part in parts) or "\\" in relative:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    root = Path(settings.STATIC_ROOT).resolve()
    collected = (root / relative).resolve()
    if collected.is_file() and root in collected.parents:
        return collected
    return None


def fetch_allowed(url: str) -> dict:
    """Body and type of a static file of ours; RefusedURLError for anything else. (data: URLs
    are decoded by SafeURLFetcher itself.)"""
    if url.startswith(STATIC_BASE):
        path = static_path(url)
        if path is not None:
            mime_type, _ = mimetypes.guess_type(path.name)
            return {"body": path.read_bytes(), "type": mime_type or "application/octet-stream"}
    raise RefusedURLError(f"refused to fetch {url[:200]!r}: only our static files and data: URLs")


def safe_url_fetcher():
    """A WeasyPrint URL fetcher that serves data: URLs and our static files and refuses the
    rest, without redirects. WeasyPrint is imported here, in the worker only (STYLE.md)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if urlsplit(url).scheme.lower() == "data":
                return super().fetch(url, headers)  # decoded by urllib's DataHandler
            found = fetch_allowed(url)
            return URLFetcherResponse(url, found["body"], {"Content-Type": found["type"]})

    return SafeURLFetcher(allow_redirects=False, allowed_protocols={"data", "https"})
