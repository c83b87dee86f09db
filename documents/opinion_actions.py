"""The transitions of an infrastructure group's opinion (one table: workflow/tables.py) and
the forms of its pages. Pages, the API and the permission-matrix tests read this table; the
services are in documents/opinions.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory.models import Membership
from documents import opinions, rules
from documents.models import Opinion
from mbk.forms import CharField
from workflow.tables import Param, Table, Transition

# The roles of a member who may be assigned to write an opinion (not an observer).
MEMBER_ROLES = [role for role in Membership.Role.values if role != Membership.Role.OBSERVER]


class OpinionForm(forms.Form):
    """A form of an action on an opinion: it carries the opinion's edition it was drawn from,
    so that an action on a page older than the latest change is refused (409)."""

    edition = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, opinion: Opinion, **kwargs):
        kwargs.setdefault("initial", {})["edition"] = opinion.edition
        super().__init__(*args, **kwargs)
        self.opinion = opinion

    def params(self) -> dict:
        return {}


class GiveOpinionForm(OpinionForm):
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=Opinion.Verdict.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose the verdict of the opinion.")},
    )
    text = CharField(
        label=_("Opinion"),
        help_text=_(
            "What the group finds, and its conditions if any; the sectoral group's chair reads "
            "it before deciding, and it is printed in the expert conclusion."
        ),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write the text of the opinion.")},
    )

    def params(self) -> dict:
        return {"verdict": self.cleaned_data["verdict"], "text": self.cleaned_data["text"]}


class AssignOpinionForm(OpinionForm):
    assignee = forms.ModelChoiceField(
        label=_("Member of the group"),
        queryset=User.objects.none(),
        error_messages={"required": _("Choose the member who writes the opinion.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            User.objects.filter(
                is_active=True,
                memberships__body_id=self.opinion.body_id,
                memberships__role__in=MEMBER_ROLES,
            )
            .order_by("last_name", "first_name")
            .distinct()
        )
        self.fields["assignee"].label_from_instance = lambda person: person.get_full_name()

    def params(self) -> dict:
        return {"assignee": self.cleaned_data["assignee"]}


class WaiveOpinionForm(OpinionForm):
    reason = CharField(
        label=_("Why the opinion is not required"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the opinion is not required.")},
    )

    def params(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


OPINION = Table(
    Opinion,
    (
        Transition(
            "give",
            _("Give the opinion"),
            rules.can_give_opinion,
            lambda o, by, seen, verdict, text: opinions.opinion_give(
                opinion_id=o.pk, by=by, verdict=verdict, text=text, seen_edition=seen
            ),
            params=(
                Param("verdict", "choice", choices=tuple(Opinion.Verdict.choices)),
                Param("text", "text", max_length=20000),
            ),
            style="primary",
            forms={"give": ("", GiveOpinionForm)},
            done=_("The opinion of the group is given."),
            confirm=_(
                "The opinion goes to the working group that decides on the proposal; the group "
                "may give it anew only after the authors resubmit the proposal."
            ),
        ),
        Transition(
            "assign",
            _("Assign a member"),
            rules.can_assign_opinion,
            lambda o, by, seen, assignee: opinions.opinion_assign(
                opinion_id=o.pk, by=by, assignee=assignee, seen_edition=seen
            ),
            params=(Param("assignee", "person"),),
            forms={"assign": ("", AssignOpinionForm)},
            done=_("The member is assigned and notified."),
        ),
        Transition(
            "waive",
            _("Waive the opinion"),
            rules.can_waive_opinion,
            lambda o, by, seen, reason: opinions.opinion_waive(
                opinion_id=o.pk, by=by, reason=reason, seen_edition=seen
            ),
            params=(Param("reason", "text", max_length=5000),),
            style="outline-danger",
            forms={"waive": ("", WaiveOpinionForm)},
            done=_("The opinion is marked as not required."),
            confirm=_(
                "The working group may then decide without this group's opinion; the waiver "
                "cannot be taken back."
            ),
        ),
    ),
)
