import pytest
from rest_framework.test import APIClient

from api import tokens


def api_as(person) -> APIClient:
    """A client that authenticates as a script would: with the person's own token."""
    client = APIClient()
    if person is not None and person.is_authenticated:
        secret = tokens.token_issue(user=person, name="tests").secret
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def api():
    return api_as
