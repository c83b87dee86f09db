from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Development programme")

    def ready(self) -> None:
        from programme import deadlines
        from workflow import home, rules

        deadlines.register()
        home.register_link("programme", rules.can_open_programme)
