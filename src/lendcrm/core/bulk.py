"""Inserting and updating many rows at once, faster than the ORM's bulk methods.

Django's bulk_update builds a CASE expression per field per row; for the hundreds of rows a
payment batch touches, building it costs more than everything else in the batch. On
PostgreSQL one `UPDATE ... FROM unnest(...)` carries every row's values as typed arrays.

bulk_create renders one multi-row INSERT through every field's conversion chain; on
PostgreSQL a COPY of the same values takes a third of the time for the thousands of rows an
import batch writes (new leads, their assignment records, first-call tasks and timeline events).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from django.db import connection, models
from django.db.models import Model
from psycopg import sql

from lendcrm.core.fields import BlindIndexField, EncryptedTextField

COPY_FROM = 200  # batches this large are inserted with COPY on PostgreSQL


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


def insert_rows(model: type[Model], rows: Sequence[Model], *, indexed: bool = False) -> None:
    """Insert unsaved instances and set their primary keys, like bulk_create.

    On PostgreSQL, batches of COPY_FROM rows or more go by COPY of the very values bulk_create
    would send, with ids drawn from the table's sequence first. `indexed`: the caller set the
    rows' blind indexes from their current values, so the COPY takes them as they are instead
    of computing each HMAC a second time. Signals are not sent (bulk_create sends none either).
    """
    if not rows:
        return
    if connection.vendor != "postgresql" or len(rows) < COPY_FROM:
        model._default_manager.bulk_create(rows)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [meta.db_table, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(meta.db_table),
        sql.SQL(", ").join(sql.Identifier(c) for c in ["id", *(str(f.column) for f in fields)]),
    )
    to_row = copy_row_builder(fields, indexed=indexed)
    raw = connection.connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for pk, row in zip(ids, rows, strict=True):
            copy.write_row([pk, *to_row(row)])
            row.pk = pk
            row._state.adding = False


# Columns whose value on PostgreSQL is the attribute itself: for these get_db_prep_save only
# re-validates a value of the right type (a str, bool, int, Decimal or aware datetime) and
# returns it unchanged, through several calls per column: the largest per-row cost of the COPY.
_PLAIN_FIELDS = (
    models.BooleanField,
    models.CharField,
    models.DecimalField,
    models.ForeignKey,
    models.IntegerField,
    models.TextField,
    models.DateTimeField,
)


def copy_row_builder(
    fields: Sequence[models.Field[Any, Any]], *, indexed: bool = False
) -> Callable[[Model], list[Any]]:
    """A function giving an unsaved instance's COPY values, equal to bulk_create's.

    Plain columns are read as they are; encrypted columns are encrypted by their field's
    get_prep_value; auto_now(_add) timestamps take their pre_save value; blind indexes are
    computed by their pre_save unless `indexed`; a column type not listed above goes through
    the field's own pre_save and get_db_prep_save.
    """
    plain, encrypted, stamped, full = 0, 1, 2, 3

    def kind(f: models.Field[Any, Any]) -> int:
        if isinstance(f, EncryptedTextField):
            return encrypted
        if isinstance(f, BlindIndexField):
            return plain if indexed else full
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            return stamped  # pre_save sets and returns timezone.now(), aware
        return plain if isinstance(f, _PLAIN_FIELDS) else full

    steps = [(f.attname, f, kind(f)) for f in fields]

    def to_row(instance: Model) -> list[Any]:
        values = instance.__dict__
        return [
            values[attname]
            if how == plain
            else f.get_prep_value(values[attname])
            if how == encrypted
            else f.pre_save(instance, True)
            if how == stamped
            else f.get_db_prep_save(f.pre_save(instance, True), connection)
            for attname, f, how in steps
        ]

    return to_row
