"""The engine's own notices: deadlines and the audit trail's check (mbk.notice_kinds), and the
office's messages from the outbox. Imported by WorkflowConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from mbk.notice_kinds import register

DEADLINE = {"title": _("what is due"), "date": _("the due date")}
DEADLINE_EXAMPLE = {"title": "Заявка «Биоаналоги моноклональных антител»", "date": "15.12.2026"}

register(
    "workflow.deadline_reminder",
    label=_("A deadline is near (to those who must act)"),
    text=_("Reminder: «%(title)s» is due on %(date)s."),
    placeholders=DEADLINE,
    required=("title", "date"),
    example=DEADLINE_EXAMPLE,
)
register(
    "workflow.deadline_overdue",
    label=_("A deadline is missed (to the chair)"),
    text=_("Overdue: «%(title)s» was due on %(date)s (%(who)s)."),
    placeholders={**DEADLINE, "who": _("who must act")},
    required=("title", "date"),
    example={**DEADLINE_EXAMPLE, "who": "рабочая группа"},
)
register(
    "workflow.deadline_overdue_office",
    label=_("A deadline is missed by days (to the programme office)"),
    text=_("Overdue by %(days)s working days: «%(title)s» was due on %(date)s (%(who)s)."),
    placeholders={**DEADLINE, "who": _("who must act"), "days": _("working days late")},
    required=("title", "date"),
    example={**DEADLINE_EXAMPLE, "who": "рабочая группа", "days": "4"},
)
TASK = {"title": _("the task"), "date": _("the due date")}
TASK_EXAMPLE = {"title": "Подготовить справку о финансировании", "date": "15.12.2026"}
register(
    "workflow.task_reminder",
    label=_("A task (поручение) is due soon (to whoever answers for it)"),
    text=_("Reminder: the task «%(title)s» is due on %(date)s."),
    placeholders=TASK,
    required=("title", "date"),
    example=TASK_EXAMPLE,
)
register(
    "workflow.task_overdue",
    label=_("A task is overdue (to whoever answers for it)"),
    text=_("Overdue: the task «%(title)s» was due on %(date)s."),
    placeholders=TASK,
    required=("title", "date"),
    example=TASK_EXAMPLE,
)
register(
    "workflow.task_overdue_office",
    label=_("A task is overdue by days (to the programme office and the body's secretary)"),
    text=_("Overdue by %(days)s working days: the task «%(title)s» was due on %(date)s."),
    placeholders={**TASK, "days": _("working days late")},
    required=("title", "date"),
    example={**TASK_EXAMPLE, "days": "4"},
)
register(
    "workflow.audit_problems",
    label=_("The daily check of the audit trail found problems (to the office)"),
    text=_(
        "The daily check of the audit trail found problems (%(count)s), the first: "
        "%(first)s. Ask the administrator to run manage.py verify_audit."
    ),
    placeholders={"count": _("how many problems"), "first": _("the first problem")},
    required=("count",),
    example={"count": "1", "first": "entry 42: MAC mismatch"},
)
