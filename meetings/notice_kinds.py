"""The notices about meetings (mbk.notice_kinds). Imported by MeetingsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from mbk.notice_kinds import register

MEETING = {"meeting": _("the meeting's title")}
EXAMPLE = {"meeting": "Заседание рабочей группы «Фармацевтика и биомедицина» № 3"}

register(
    "meetings.agenda_published",
    label=_("A meeting's agenda is published (to its members)"),
    text=_("The agenda of %(meeting)s is published."),
    placeholders=MEETING,
    required=("meeting",),
    example=EXAMPLE,
)
register(
    "meetings.cancelled",
    label=_("A meeting is cancelled (to its members)"),
    text=_("%(meeting)s is cancelled."),
    placeholders=MEETING,
    required=("meeting",),
    example=EXAMPLE,
)
register(
    "meetings.moved",
    label=_("A meeting is moved (to its members)"),
    text=_("%(meeting)s is moved to %(moment)s: %(reason)s"),
    placeholders={
        **MEETING,
        "moment": _("the new date and time"),
        "reason": _("why it is moved"),
    },
    required=("meeting", "moment"),
    example={**EXAMPLE, "moment": "04.12.2026 10:00", "reason": "перенос по просьбе председателя"},
)
register(
    "meetings.task_set",
    label=_("A meeting set a task (to the person or body responsible)"),
    text=_("%(meeting)s set you a task due %(date)s: %(task)s"),
    placeholders={**MEETING, "date": _("the task's due date"), "task": _("the task")},
    required=("meeting", "task"),
    example={**EXAMPLE, "date": "15.12.2026", "task": "подготовить паспорт проекта"},
)
