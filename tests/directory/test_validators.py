import pytest
from django.core.exceptions import ValidationError

from directory.validators import validate_inn


@pytest.mark.parametrize("inn", ["7712345671", "7709876545", "500100732259"])
def test_validate_inn_accepts_valid_numbers(inn):
    validate_inn(inn)


@pytest.mark.parametrize("inn", ["7712345670", "77123", "77123456ab", "500100732250", ""])
def test_validate_inn_rejects_wrong_numbers(inn):
    with pytest.raises(ValidationError):
        validate_inn(inn)
