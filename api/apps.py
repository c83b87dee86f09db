from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("REST API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.signals import credentials_changed
        from api import tokens

        credentials_changed.connect(
            tokens.revoke_on_credentials_changed, dispatch_uid="api.tokens.revoke_on_credentials"
        )
