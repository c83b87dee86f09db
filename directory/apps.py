from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Cluster directory")

    def ready(self) -> None:
        from directory import (
            notice_kinds,  # noqa: F401 - registers its notices' kinds
            signals,  # noqa: F401 - connects the membership receivers
        )
