"""Updating many rows with their own values in one statement.

Django's bulk_update builds a CASE expression per field per row; for the hundreds of rows a
payment batch touches, building it costs more than everything else in the batch. On
PostgreSQL one `UPDATE ... FROM unnest(...)` carries every row's values as typed arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.db import connection, models


def update_rows(
    model: type[models.Model], rows: Sequence[models.Model], fields: Sequence[str]
) -> None:
    """Write `fields` of each row (already holding its new values) to the database."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(rows, list(fields), batch_size=500)
        return
    meta = model._meta
    columns = [cast("models.Field[Any, Any]", meta.get_field(name)) for name in fields]
    pk = meta.pk
    assert pk is not None
    arrays: list[list[Any]] = [[row.pk for row in rows]]
    for field in columns:
        arrays.append(
            [field.get_db_prep_save(getattr(row, field.attname), connection) for row in rows]
        )
    names = [str(pk.column), *(str(field.column) for field in columns)]
    types = [str(pk.db_type(connection)), *(str(field.db_type(connection)) for field in columns)]

    def quote(name: str) -> str:
        return str(connection.ops.quote_name(name))

    assignments = ", ".join(f"{quote(c)} = v.{quote(c)}" for c in names[1:])
    unnest = ", ".join(f"%s::{t}[]" for t in types)
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608 (names from the model)
        f"FROM unnest({unnest}) AS v({', '.join(quote(c) for c in names)}) "
        f"WHERE t.{quote(names[0])} = v.{quote(names[0])}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
