"""Writing generated rows: batched bulk_create anywhere, COPY on PostgreSQL.

Both loaders take the same field-value dicts (demo/rows.py) and must store the same thing: the
COPY loader encrypts and indexes personal data with the very functions, contexts, purposes and
normalisers the model fields use, so rows it loads read back and are found through the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from django.db import connection, models
from psycopg import sql

from lendcrm.core.crypto import encrypt
from lendcrm.core.fields import BlindIndexField, EncryptedTextField, context_for, index_value

Row = dict[str, Any]
ORM_BATCH_SIZE = 500


class Loader(Protocol):
    def insert(self, model: type[models.Model], rows: Sequence[Row]) -> list[int]:
        """Insert rows and return their new primary keys, in order."""
        ...


@contextmanager
def explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk inserts keep the created_at/updated_at the generator chose.

    auto_now/auto_now_add would overwrite them with the current time. The flags are switched
    off on the field objects for the duration and always restored; the seeding command is the
    only writer while it runs.
    """
    fields = [
        field
        for model in model_classes
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class OrmLoader:
    """Model instances and bulk_create: the model fields encrypt and index on the way."""

    def insert(self, model: type[models.Model], rows: Sequence[Row]) -> list[int]:
        objects = [model(**row) for row in rows]
        with explicit_timestamps(model):
            model._default_manager.bulk_create(objects, batch_size=ORM_BATCH_SIZE)
        return [obj.pk for obj in objects]


class CopyLoader:
    """COPY FROM STDIN through psycopg 3, with primary keys reserved from the id sequence."""

    def __init__(self) -> None:
        if connection.vendor != "postgresql":
            raise RuntimeError("the COPY loader needs PostgreSQL")
        self._tables: dict[type[models.Model], CopyTable] = {}

    def insert(self, model: type[models.Model], rows: Sequence[Row]) -> list[int]:
        if not rows:
            return []
        table = self._tables.get(model) or self._tables.setdefault(model, CopyTable(model))
        ids = reserve_ids(model, len(rows))
        connection.ensure_connection()
        raw = connection.connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(table.statement) as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row(table.encode(pk, row))
        return ids


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Take `count` values from the table's id sequence, as single-row inserts would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, _pk(model).column, count],
        )
        return [int(pk) for (pk,) in cursor.fetchall()]


class CopyTable:
    """How one model's field values become a COPY row, column by column."""

    def __init__(self, model: type[models.Model]) -> None:
        pk = _pk(model)
        fields = [f for f in model._meta.concrete_fields if f is not pk]
        self.columns = [str(f.column) for f in (pk, *fields)]
        self.statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(model._meta.db_table),
            sql.SQL(", ").join([sql.Identifier(column) for column in self.columns]),
        )
        # Plain columns are looked up in C by map(row.get, ...); the few personal-data columns
        # are then replaced by their ciphertext or blind index.
        self._names = [f.attname for f in fields]
        self._defaults = [_stored_default(f) for f in fields]
        self._personal = [
            (position + 1, encoder)
            for position, field in enumerate(fields)
            if (encoder := _personal_encoder(model, field)) is not None
        ]

    def encode(self, pk: int, row: Row) -> list[Any]:
        values = [pk, *map(row.get, self._names, self._defaults)]
        for position, encoder in self._personal:
            values[position] = encoder(row)
        return values


def _personal_encoder(
    model: type[models.Model], field: models.Field[Any, Any]
) -> Callable[[Row], Any] | None:
    if isinstance(field, EncryptedTextField):
        name, context = field.attname, context_for(model, field.name)
        return lambda row: _encrypted(row.get(name), context)
    if isinstance(field, BlindIndexField):
        source, purpose, normaliser = field.source, field.purpose, field.normaliser
        return lambda row: index_value(
            str(row.get(source) or ""), purpose=purpose, normaliser=normaliser
        )
    return None


def _stored_default(field: models.Field[Any, Any]) -> Any:
    """What the model would store for a field the generator leaves out ("" for a blank CharField)."""
    return field.get_db_prep_save(field.get_default(), connection)


def _encrypted(value: Any, context: str) -> Any:
    """What EncryptedTextField.get_prep_value stores: blanks as they are, the rest sealed."""
    if value in (None, ""):
        return value
    return encrypt(str(value), context=context)


def _pk(model: type[models.Model]) -> models.Field[Any, Any]:
    pk = model._meta.pk
    if pk is None:
        raise TypeError(f"{model.__name__} has no primary key")
    return pk
