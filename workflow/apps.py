from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Workflow")

    def ready(self) -> None:
        from mbk import trail
        from workflow import audit, calendar, home, notice_kinds, notify, reference  # noqa: F401
        from workflow.models import CalendarDay

        # The layers below the engine (accounts, directory) audit and notify through the port.
        trail.plug(record=audit.record, notify=notify.notify)
        home.register()  # its own links and the directory's panels of the home page
        reference.forget_on_change(CalendarDay, calendar.CACHE_KEY)
