"""`Authorization: Bearer mbk_…` with a personal token; the site's own pages use the session."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api import tokens


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as «Authorization: Bearer <token>».")
            )
        found = tokens.user_for(header[1].decode(errors="replace"))
        if found is None:
            raise exceptions.AuthenticationFailed(
                _("The token is unknown or revoked. Issue a new one on your profile page.")
            )
        return found

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    """How the schema names the token (drf-spectacular finds this class by its target)."""

    target_class = "api.authentication.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "mbk_…"}
