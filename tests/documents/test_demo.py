import pytest
from django.core.management import call_command

from documents.models import Call, Proposal
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
