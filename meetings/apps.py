from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from documents.models import RenderJob
        from documents.pdf import kinds
        from meetings import document
        from workflow import rules

        kinds.register(
            RenderJob.Kind.MINUTES,
            may_read=rules.can_read_minutes,
            build=document.job_source,
            gone=_("The meeting of these minutes no longer exists."),
        )
