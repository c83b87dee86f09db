"""Cross-cutting HTTP behaviour: the Content-Security-Policy, the interface language, and who
the client is for the login throttling."""

import ipaddress

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """No inline script or style anywhere: pages load their code from our own static files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class ChosenLanguageMiddleware:
    """Russian unless the person chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and most browsers
    here say English; the interface must open in Russian, so only the switch's cookie counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        if chosen is None and request.path.startswith("/api/"):
            # Scripts have no switch: the API follows Accept-Language, Russian by default.
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", language)
        return response


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.TRUSTED_PROXIES)


def client_address(request) -> str:
    """The client's address, for the login throttling's records. X-Forwarded-For is written
    by whoever sends the request, so it is read only when the request comes from one of our
    reverse proxies (TRUSTED_PROXIES), and then from the right: each trusted proxy appends
    the address it received from, and the right-most address that is not one of ours is the
    client (anything left of it is what the client chose to write)."""
    address = request.META.get("REMOTE_ADDR", "")
    if not _trusted(address):
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([hop.strip() for hop in forwarded.split(",")]):
        try:
            hop = str(ipaddress.ip_address(hop))
        except ValueError:
            break  # not an address: keep the nearest one our proxies vouch for
        address = hop
        if not _trusted(hop):
            break
    return address


def login_name(request, credentials: dict | None) -> str:
    """The login a failed attempt counts against, as the backend would match it: case and
    surrounding spaces do not make a new name to guess under."""
    name = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(name).strip().lower()[:150]
