"""A column of related rows read with each row of a query, as one list: PostgreSQL's ARRAY(...)
and SQLite's json_group_array() give the same Python list. The facts a page would otherwise
read one query each (who declared a conflict, which permissions a person has on the object)
come with the object's own row."""

import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Expression, JSONField, QuerySet, Subquery
from django.utils import timezone


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


def instances_of(model, rows, **related) -> list:
    """Instances of `model` from rows_of()'s dicts whose keys are the model's column names
    (`organisation_id`...), as if loaded by a query of their own: the fields not read are
    deferred (read on first use, as after only()). `related`: a foreign key's name and its
    model, whose columns come as `name__column` (`actor=User`: `actor__id`, `actor__last_name`),
    set on each instance as select_related() sets them."""
    instances = []
    for row in rows or ():
        instance = _instance(model, row)
        for name, related_model in related.items():
            field = model._meta.get_field(name)
            prefix = f"{name}__"
            columns = {k.removeprefix(prefix): v for k, v in row.items() if k.startswith(prefix)}
            linked = getattr(instance, field.attname) is not None
            field.set_cached_value(instance, _instance(related_model, columns) if linked else None)
        instances.append(instance)
    return instances


def _instance(model, row: dict):
    read = [field for field in model._meta.concrete_fields if field.attname in row]
    return model.from_db(
        "default",
        [field.attname for field in read],
        [_value(field, row[field.attname]) for field in read],
    )


def _value(field, value):
    """A column's value from JSON as the field's type. SQLite's JSON carries a time as the text
    Django stored, in UTC without an offset; PostgreSQL's carries the offset."""
    value = field.to_python(value)
    if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value
