import pytest

from tests.workflow.states import make_people


@pytest.fixture
def people(db):
    return make_people()
