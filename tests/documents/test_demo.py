import pytest
from django.core.management import call_command

from documents.models import Answer, Call, DiscussionEntry, Opinion, Proposal
from workflow import audit


@pytest.mark.django_db
def test_load_demo_makes_a_call_and_proposals_through_the_services(settings):
    settings.DEBUG = True

    call_command("load_demo", "--password", "Demo-pass-1")
    call_command("load_demo", "--password", "Demo-pass-1")

    states = dict(Proposal.objects.values_list("title", "state"))
    in_review = Proposal.objects.get(state=Proposal.State.WG_REVIEW)
    assert Call.objects.count() == 1
    assert Call.objects.get().is_open()
    assert sorted(states.values()) == ["draft", "submitted", "wg_review"]
    assert in_review.reviews.count() == 1
    assert in_review.assignments.count() == 2
    assert audit.verify()[1] is None


@pytest.mark.django_db
def test_load_demo_shows_questions_an_opinion_and_a_discussion(settings):
    settings.DEBUG = True

    call_command("load_demo", "--password", "Demo-pass-1")

    call = Call.objects.get()
    in_review = Proposal.objects.get(state=Proposal.State.WG_REVIEW)
    assert [(q.kind, q.required, q.visibility) for q in call.questions.order_by("position")] == [
        ("yes_no", False, "reviewers"),
        ("text", False, "office"),
    ]
    assert Answer.objects.filter(proposal__call=call).count() == 6  # two for each proposal
    assert list(in_review.infrastructure_groups.values_list("code", flat=True)) == [
        "wg-engineering"
    ]
    opinion = Opinion.objects.get()
    assert (opinion.proposal, opinion.body.code, opinion.state) == (
        in_review,
        "wg-engineering",
        Opinion.State.REQUESTED,
    )
    entry = DiscussionEntry.objects.get()
    assert (entry.proposal, entry.author.username) == (in_review, "expert1.pharma")
    assert entry.text.startswith("@chair.pharma ")
    chair = in_review.group.memberships.get(role="chair").user
    assert chair.notices.filter(kind="documents.discussion_mention").count() == 1
