from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def inn_check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def validate_inn(value: str) -> None:
    """ИНН: 10 digits for a legal entity, 12 for a sole trader, with its check digits."""
    if not value.isdigit() or len(value) not in (10, 12):
        raise ValidationError(_("An INN has 10 digits (a legal entity) or 12 (an individual)."))
    if len(value) == 10:
        valid = inn_check_digit(value, _INN10_WEIGHTS) == int(value[9])
    else:
        valid = inn_check_digit(value, _INN12_WEIGHTS_11) == int(value[10]) and (
            inn_check_digit(value, _INN12_WEIGHTS_12) == int(value[11])
        )
    if not valid:
        raise ValidationError(_("This INN's check digits are wrong; please check the number."))
