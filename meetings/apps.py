from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        """The runner's hooks and the meeting's transition table, the governance body's next
        meeting and the overdue tasks for the deadlines, the home page's panel and link, the
        minutes' PDF kind."""
        from documents.models import RenderJob
        from documents.pdf import kinds
        from meetings import actions, deadlines, document, home, notice_kinds, rules  # noqa: F401
        from meetings.models import Meeting
        from workflow import runner, tables

        runner.register(Meeting, select_related=("body",))
        tables.register(actions.MEETING)
        deadlines.register()
        home.register()
        kinds.register(
            RenderJob.Kind.MINUTES,
            may_read=rules.can_read_minutes,
            build=document.job_source,
            gone=_("The meeting of these minutes no longer exists."),
            sign=document.signing_plan,
        )
        from meetings import verification
        from signing import registry as issued_documents

        issued_documents.register(RenderJob.Kind.MINUTES, verification.describe)
