"""An expression the ORM lacks: a decimal as its field says, on every database."""

from decimal import Decimal

from django.db.models import DecimalField, Func


class Quantized(Func):
    """`expression` given to Python with exactly the decimal places of `output_field` (a
    DecimalField); the SQL is the expression's own. Django quantizes a plain column so, but
    not a computed value: SQLite, the embedded default, hands an average back as a float, and
    the register and the review dashboard showed «3,20000000000000» for 3.2."""

    template = "%(expressions)s"

    def __init__(self, expression, output_field: DecimalField):
        super().__init__(expression, output_field=output_field)
        self.step = Decimal(1).scaleb(-output_field.decimal_places)

    def get_db_converters(self, connection):
        return [*super().get_db_converters(connection), self._quantize]

    def _quantize(self, value, expression, connection):
        return None if value is None else Decimal(value).quantize(self.step)
