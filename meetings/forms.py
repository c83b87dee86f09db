"""Forms of the meeting pages: they read and check input; the services decide and write."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory.models import Body
from documents.models import Proposal
from mbk.forms import CharField, URLField
from meetings import selectors
from meetings.models import AgendaItem, Ballot, Meeting, day_is_past
from programme.models import ProgrammeVersion, SectionRevision

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def not_a_past_day(starts_at):
    """A meeting's date is today or later (the services refuse it too)."""
    if starts_at is not None and day_is_past(starts_at, timezone.now()):
        raise forms.ValidationError(_("This day is past: choose today or a later day."))
    return starts_at


class WhenAndWhere:
    """When and where a meeting is (planned or moved): today or a later day, at a place or an
    online link."""

    def clean_starts_at(self):
        return not_a_past_day(self.cleaned_data.get("starts_at"))

    def clean(self):
        data = super().clean()
        if not data.get("place", "").strip() and not data.get("online_url"):
            raise forms.ValidationError(_("Give the place of the meeting or its online link."))
        return data


class MeetingPlanForm(WhenAndWhere, forms.Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none())
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME)
    place = CharField(
        label=_("Place"),
        required=False,
        max_length=300,
        help_text=_("For example: API Moscow «Красный Октябрь», зал «Чёрная штора»."),
    )
    online_url = URLField(label=_("Online link"), required=False, assume_scheme="https")

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies


class MeetingActionForm(forms.Form):
    """A form of one of the meeting's transitions (meetings/actions.py): built for the meeting,
    its params() named as the table names them. `context_name` is the page's name for it when
    it comes back with errors."""

    context_name = ""
    # An invalid form that names something nobody can pick on the page is a 404, not errors.
    not_found_when_invalid = False

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting

    def params(self) -> dict:
        return {}


SUBJECTS = {"proposal": Proposal, "section": SectionRevision, "version": ProgrammeVersion}


class FreeItemForm(MeetingActionForm):
    context_name = "free"

    title = CharField(label=_("Free item"), max_length=500)

    def params(self) -> dict:
        return {"title": self.cleaned_data["title"]}


class SubjectItemForm(MeetingActionForm):
    not_found_when_invalid = True

    kind = forms.ChoiceField(choices=[(kind, kind) for kind in SUBJECTS])
    subject_id = forms.IntegerField(min_value=1)
    motion = forms.ChoiceField(label=_("Motion"), choices=AgendaItem.Outcome.choices)

    def clean(self):
        data = super().clean()
        if data.get("kind") and data.get("subject_id"):
            subject = SUBJECTS[data["kind"]].objects.filter(pk=data["subject_id"]).first()
            if subject is None:
                raise forms.ValidationError("unknown subject", code="not_found")
            data["subject"] = subject
        return data

    def params(self) -> dict:
        return {"subject": self.cleaned_data["subject"], "motion": self.cleaned_data["motion"]}


def agenda_item_form(data=None, *, meeting: Meeting) -> MeetingActionForm:
    """The form of an agenda item: a decision on something awaiting the body (the suggestions'
    buttons send its kind and id) or a free item (a title)."""
    chosen = SubjectItemForm if data is not None and "subject_id" in data else FreeItemForm
    return chosen(data, meeting=meeting)


class AgendaItemForm(MeetingActionForm):
    """An item of this meeting's agenda, with the meeting's edition the page was drawn from; an
    item that is not on this agenda is a 404."""

    not_found_when_invalid = True

    item = forms.IntegerField(min_value=1)
    edition = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_item(self) -> int:
        item = self.cleaned_data["item"]
        if not self.meeting.items.filter(pk=item).exists():
            raise forms.ValidationError("not on this agenda", code="not_found")
        return item

    def params(self) -> dict:
        return {"item": self.cleaned_data["item"]}


class AgendaItemMoveForm(AgendaItemForm):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])

    def params(self) -> dict:
        return {**super().params(), "direction": self.cleaned_data["direction"]}


class AttendanceForm(MeetingActionForm):
    context_name = "attendance"

    present = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    edition = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, meeting=meeting, **kwargs)
        members = selectors.voting_members(meeting)
        self.fields["present"].queryset = User.objects.filter(pk__in=[m.pk for m in members])
        self.fields["present"].label_from_instance = lambda user: user.get_full_name()

    def params(self) -> dict:
        return {"present": list(self.cleaned_data["present"])}


class BallotOpenForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of vote"),
        choices=[
            (Ballot.Kind.NAMED, Ballot.Kind.NAMED.label),
            (Ballot.Kind.SECRET, Ballot.Kind.SECRET.label),
        ],
    )


class VoteForm(forms.Form):
    """A member's vote: their own, or (`voter`) an absent member's whose proxy they hold."""

    choice = forms.ChoiceField(label=_("Vote"), choices=Ballot.Choice.choices)
    voter = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class PaperVoteForm(forms.Form):
    """The secretary enters a present member's vote from a paper ballot."""

    voter = forms.ModelChoiceField(label=_("Member"), queryset=User.objects.none())
    choice = forms.ChoiceField(label=_("Vote"), choices=Ballot.Choice.choices)

    def __init__(self, *args, voters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voter"].queryset = User.objects.filter(
            pk__in=[v.person.pk for v in voters if v.holder is None]
        ).order_by("last_name", "first_name")
        self.fields["voter"].label_from_instance = lambda user: user.get_full_name()


class BallotCancelForm(forms.Form):
    reason = CharField(label=_("Why the vote is cancelled"), max_length=2000)


class ProxyGrantForm(forms.Form):
    holder = forms.ModelChoiceField(label=_("Give my vote to"), queryset=User.objects.none())

    def __init__(self, *args, meeting: Meeting, grantor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = User.objects.filter(
            pk__in=[p.pk for p in selectors.voting_members(meeting) if p.pk != grantor.pk]
        ).order_by("last_name", "first_name")
        self.fields["holder"].label_from_instance = lambda user: user.get_full_name()


class DecisionForm(forms.Form):
    note = CharField(
        label=_("Wording of the decision"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TaskForm(MeetingActionForm):
    context_name = "task"

    text = CharField(label=_("Task"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    responsible_person = forms.ModelChoiceField(
        label=_("Responsible person"), queryset=User.objects.none(), required=False
    )
    responsible_body = forms.ModelChoiceField(
        label=_("Responsible group"), queryset=Body.objects.all(), required=False
    )
    due_on = forms.DateField(label=_("Deadline"), widget=DATE)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, meeting=meeting, **kwargs)
        self.fields["responsible_person"].queryset = User.objects.filter(
            pk__in=[p.pk for p in selectors.members(meeting)]
        )
        self.fields["responsible_person"].label_from_instance = lambda user: user.get_full_name()

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return due_on

    def clean(self):
        data = super().clean()
        if not data.get("responsible_person") and not data.get("responsible_body"):
            raise forms.ValidationError(_("Name the responsible person or group."))
        return data

    def params(self) -> dict:
        return dict(self.cleaned_data)


class CancelForm(MeetingActionForm):
    context_name = "cancel"

    reason = CharField(label=_("Reason"), max_length=2000)

    def __init__(self, *args, **kwargs):
        # Its ids differ from the reschedule form's on the same page (both have a reason).
        kwargs.setdefault("auto_id", "cancel-%s")
        super().__init__(*args, **kwargs)

    def params(self) -> dict:
        return {"comment": self.cleaned_data["reason"]}


class RescheduleForm(WhenAndWhere, MeetingActionForm):
    context_name = "reschedule"

    starts_at = forms.DateTimeField(label=_("New date and time"), widget=DATETIME)
    place = CharField(label=_("Place"), required=False, max_length=300)
    online_url = URLField(label=_("Online link"), required=False, assume_scheme="https")
    reason = CharField(label=_("Reason for the move"), max_length=2000)
    edition = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def params(self) -> dict:
        names = ("starts_at", "place", "online_url", "reason")
        return {name: self.cleaned_data[name] for name in names}
