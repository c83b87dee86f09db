"""A column of related rows read with each row of a query, as one list: PostgreSQL's ARRAY(...)
and SQLite's json_group_array() give the same Python list. The facts a page would otherwise
read one query each (who declared a conflict, which permissions a person has on the object)
come with the object's own row."""

from django.db import connection
from django.db.models import Aggregate, Expression, JSONField, QuerySet, Subquery


class _JSONGroupArray(Aggregate):
    """SQLite's json_group_array(): a column's values of a group as one JSON array."""

    function = "json_group_array"
    output_field = JSONField()


def values_list_of(rows: QuerySet, column: str, outer: str) -> Expression:
    """`column` of `rows` (filtered by an OuterRef) as a list for each outer row; `outer` is the
    field of `rows` that the OuterRef matches (grouped by it on SQLite). None or [] for none."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        return ArraySubquery(rows.order_by().values(column))
    if connection.vendor == "sqlite":
        grouped = rows.order_by().values(outer).annotate(values=_JSONGroupArray(column))
        return Subquery(grouped.values("values"))
    raise NotImplementedError(f"values_list_of() on {connection.vendor}")


def rows_of(rows: QuerySet, outer: str, **columns: str) -> Expression:
    """The related `rows` (filtered by an OuterRef, `outer` as for values_list_of()) as a list
    of dicts for each outer row, one key per column named (`key="field__path"`): a small
    related list read with its object instead of by a query of its own. None or [] for none;
    in no particular order."""
    from django.db.models.functions import JSONObject

    row = JSONObject(**columns)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        return ArraySubquery(rows.order_by().values(json=row))
    if connection.vendor == "sqlite":
        grouped = rows.order_by().values(outer).annotate(values=_JSONGroupArray(row))
        return Subquery(grouped.values("values"))
    raise NotImplementedError(f"rows_of() on {connection.vendor}")
