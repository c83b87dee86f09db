"""The notices about proposals: their keys, default texts and placeholders (mbk.notice_kinds).
Imported by DocumentsConfig.ready()."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mbk.notice_kinds import register

TITLE = {"title": _("the proposal's title")}
EXAMPLE = {"title": "Биоаналоги моноклональных антител"}


def _proposal(key: str, label, text, **placeholders) -> str:
    return register(
        f"documents.{key}",
        label=label,
        text=text,
        placeholders={**TITLE, **placeholders},
        required=("title",),
        example={**EXAMPLE, "version": "2", "expert": "Иванов И. И.", "person": "Петров П. П."},
    )


_proposal(
    "proposal_submitted",
    _("A proposal is submitted (to the group's chair and secretary)"),
    _("A new proposal «%(title)s» was submitted to your working group."),
)
_proposal(
    "proposal_resubmitted",
    _("The authors answered the remarks (to the group and the experts)"),
    _("The authors answered the remarks on «%(title)s» (version %(version)s)."),
    version=_("the number of the new version"),
)
_proposal(
    "proposal_withdrawn",
    _("The authors withdrew a proposal (to the group)"),
    _("The authors withdrew «%(title)s»."),
)
_proposal(
    "review_requested",
    _("An expert is assigned (to the expert)"),
    _("You are asked to review the proposal «%(title)s»."),
)
_proposal(
    "review_submitted",
    _("An expert submitted a review (to the group's deciders)"),
    {
        "male": pgettext_lazy("by a man", "%(expert)s submitted a review of «%(title)s»."),
        "female": pgettext_lazy("by a woman", "%(expert)s submitted a review of «%(title)s»."),
        "neutral": _("%(expert)s submitted a review of «%(title)s»."),
    },
    expert=_("the expert's name"),
)
_proposal(
    "revision_requested",
    _("The group asks for a revision (to the authors)"),
    _("The working group asks you to revise «%(title)s»."),
)
_proposal(
    "approved_in_group_office",
    _("The group approved a proposal (to the programme office)"),
    _("The working group approved «%(title)s»; it can go to the governance body."),
)
_proposal(
    "approved_in_group",
    _("The group approved a proposal (to the authors)"),
    _("The working group approved «%(title)s»."),
)
_proposal(
    "rejected",
    _("A proposal is rejected (to the authors)"),
    _("«%(title)s» was rejected."),
)
_proposal(
    "sent_to_governance",
    _("A proposal goes to the governance body (to its chair and secretary)"),
    _("«%(title)s» awaits the governance body's decision."),
)
_proposal(
    "approved",
    _("The governance body approved a proposal (to the authors)"),
    _("The governance body approved «%(title)s»."),
)
_proposal(
    "returned_to_group",
    _("The governance body returned a proposal to the group (to the group)"),
    _("The governance body returned «%(title)s» to your working group."),
)
_proposal(
    "conflict_declared",
    _("A conflict of interest is declared (to the group)"),
    {
        "male": pgettext_lazy(
            "by a man", "%(person)s declared a conflict of interest on «%(title)s»."
        ),
        "female": pgettext_lazy(
            "by a woman", "%(person)s declared a conflict of interest on «%(title)s»."
        ),
        "neutral": _("%(person)s declared a conflict of interest on «%(title)s»."),
    },
    person=_("the name of the person who declared it"),
)
_proposal(
    "discussion_mention",
    _("Somebody mentioned a person in a proposal's discussion (to that person)"),
    {
        "male": pgettext_lazy(
            "by a man", "%(person)s mentioned you in the discussion of «%(title)s»."
        ),
        "female": pgettext_lazy(
            "by a woman", "%(person)s mentioned you in the discussion of «%(title)s»."
        ),
        "neutral": _("%(person)s mentioned you in the discussion of «%(title)s»."),
    },
    person=_("the name of the person who wrote the entry"),
)
_proposal(
    "review_changed",
    _("An expert changed a review (to the group's chair and secretary)"),
    {
        "male": pgettext_lazy("by a man", "%(expert)s changed their review of «%(title)s»."),
        "female": pgettext_lazy("by a woman", "%(expert)s changed their review of «%(title)s»."),
        "neutral": _("%(expert)s changed their review of «%(title)s»."),
    },
    expert=_("the expert's name"),
)

# Opinions of infrastructure groups (documents/opinions.py).
GROUP = {"group": _("the infrastructure group's name")}


def _opinion(key: str, label, text, **placeholders) -> str:
    return register(
        f"documents.{key}",
        label=label,
        text=text,
        placeholders={**TITLE, **GROUP, **placeholders},
        required=("title",),
        example={
            **EXAMPLE,
            "group": "Инжиниринговая рабочая группа",
            "date": "15.12.2026",
            "verdict": "положительное",
            "reason": "группа не затронута проектом",
        },
    )


_opinion(
    "opinion_requested",
    _("An infrastructure group is asked for its opinion (to its chair)"),
    _("%(group)s is asked for its opinion on the proposal «%(title)s» by %(date)s."),
    date=_("the date the opinion is due"),
)
_opinion(
    "opinion_assigned",
    _("A member is asked to write the group's opinion (to the member)"),
    _("You are asked to write the opinion of %(group)s on the proposal «%(title)s»."),
)
_opinion(
    "opinion_given",
    _("An infrastructure group gave its opinion (to the sectoral group's chair and secretary)"),
    _("%(group)s gave its opinion on «%(title)s»: %(verdict)s."),
    verdict=_("the verdict of the opinion"),
)
_opinion(
    "opinion_waived",
    _("The office waived an opinion (to the groups concerned)"),
    _("The opinion of %(group)s on «%(title)s» is not required: %(reason)s"),
    reason=_("why the opinion is not required"),
)

# Moves and duplicates (documents/moves.py).
MOVE = {"from": _("the working group it left"), "to": _("the working group it went to")}
MOVE_EXAMPLE = {"from": "Фармацевтика и медицина", "to": "Агропищевые биотехнологии"}
for _key, _label, _text in (
    (
        "moved_here",
        _("The office moved a proposal to a group (to its chair and secretary)"),
        _("The programme office moved «%(title)s» from «%(from)s» to your working group."),
    ),
    (
        "moved_away",
        _("The office moved a proposal away from a group (to the group and its experts)"),
        _("The programme office moved «%(title)s» from your working group to «%(to)s»."),
    ),
    (
        "moved",
        _("The office moved a proposal to another group (to the authors)"),
        _("The programme office moved «%(title)s» to the working group «%(to)s»."),
    ),
):
    register(
        f"documents.{_key}",
        label=_label,
        text=_text,
        placeholders={**TITLE, **MOVE},
        required=("title",),
        example={**EXAMPLE, **MOVE_EXAMPLE},
    )
_proposal(
    "marked_duplicate",
    _("A proposal is closed as a duplicate (to the authors and the group)"),
    _("«%(title)s» was closed as a duplicate of proposal № %(number)s."),
    number=_("the number of the original proposal"),
)
