"""Rotation of the encryption key ring, and re-encryption of every encrypted column.

The first key of the ring encrypts and every key decrypts, so re-encryption can run while
the application keeps serving: rows are taken in primary-key order, a small batch at a time,
each batch in its own short transaction with its rows locked (`SKIP LOCKED`, so a row a user
is editing is left for the next pass). Rows whose every value is already under the primary
key are never selected, which makes an interrupted run resumable.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from lendcrm.config.env import key_file, parse_key_ring, write_key_ring
from lendcrm.core import crypto
from lendcrm.core.fields import EncryptedTextField

logger = logging.getLogger(__name__)

KeyRing = list[tuple[str, bytes]]
DEFAULT_BATCH_SIZE = 500
MAX_PASSES = 3


@dataclass(frozen=True)
class EncryptedModel:
    model: type[models.Model]
    fields: tuple[EncryptedTextField, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


@dataclass(frozen=True)
class ModelRotation:
    label: str
    reencrypted: int
    unreadable: int
    remaining: int


@dataclass(frozen=True)
class ColumnStatus:
    label: str
    field: str
    by_key: dict[str, int]
    empty: int
    other: int


def encrypted_models() -> list[EncryptedModel]:
    """Every installed model with at least one EncryptedTextField, in label order."""
    found = []
    for model in apps.get_models():
        fields = tuple(f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField))
        if fields:
            found.append(EncryptedModel(model=model, fields=fields))
    return sorted(found, key=lambda item: item.label)


# Key ring ----------------------------------------------------------------------------------


def current_ring() -> KeyRing:
    return list(settings.LENDCRM_ENCRYPTION_KEYS)


def keys_live_in_key_file() -> bool:
    """True in embedded mode, where the ring in use is the one stored in the key file."""
    if settings.LENDCRM_ENV == "production":
        return False
    path = key_file(settings.DATA_DIR)
    try:
        stored = json.loads(path.read_text()).get("encryption_keys", "")
    except (OSError, ValueError):
        return False
    return bool(stored) and parse_key_ring(stored) == current_ring()


def next_key_id(ring: Sequence[tuple[str, bytes]]) -> str:
    numbers = [int(kid[1:]) for kid, _ in ring if kid.startswith("k") and kid[1:].isdigit()]
    return f"k{max(numbers, default=0) + 1}"


def format_ring(ring: Sequence[tuple[str, bytes]]) -> str:
    return ",".join(f"{kid}:{base64.urlsafe_b64encode(key).decode()}" for kid, key in ring)


def add_new_primary_key() -> str:
    """Embedded mode: put a fresh key first, store the ring, and use it in this process."""
    ring = current_ring()
    new_id = next_key_id(ring)
    new_ring = [(new_id, secrets.token_bytes(32)), *ring]
    write_key_ring(settings.DATA_DIR, format_ring(new_ring))
    use_ring(new_ring)
    return new_id


def use_ring(ring: KeyRing) -> None:
    """Make this process encrypt and decrypt with `ring` (settings are read once at start-up)."""
    settings.LENDCRM_ENCRYPTION_KEYS = list(ring)
    crypto._ciphers.cache_clear()


# Re-encryption -----------------------------------------------------------------------------


def _raw(name: str) -> str:
    return f"raw_{name}"


def _with_ciphertexts(item: EncryptedModel) -> models.QuerySet[Any]:
    # Cast to plain text so the stored ciphertext is read as is, not decrypted by the field.
    annotations = {_raw(f.name): Cast(f.name, output_field=TextField()) for f in item.fields}
    rows: models.QuerySet[Any] = item.model._base_manager.annotate(**annotations)
    return rows


def _needs_reencryption(item: EncryptedModel, primary_prefix: str) -> Q:
    needs = Q(pk__in=[])
    for f in item.fields:
        raw = _raw(f.name)
        needs |= (
            Q(**{f"{raw}__isnull": False})
            & ~Q(**{raw: ""})
            & ~Q(**{f"{raw}__startswith": primary_prefix})
        )
    return needs


def _primary_prefix() -> str:
    return f"{crypto.PREFIX}:{crypto.primary_key_id()}:"


def pending_count(item: EncryptedModel) -> int:
    return _with_ciphertexts(item).filter(_needs_reencryption(item, _primary_prefix())).count()


def reencrypt_model(
    item: EncryptedModel,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[str, int], None] | None = None,
) -> ModelRotation:
    """Re-encrypt every value of one model that is not yet under the primary key."""
    reencrypted = 0
    for _pass in range(MAX_PASSES):
        # A later pass picks up rows that were locked by a user's transaction the first time.
        done, unreadable = _one_pass(item, batch_size=batch_size, on_batch=on_batch)
        reencrypted += done
        remaining = pending_count(item)
        if remaining <= unreadable or done == 0:
            break
    return ModelRotation(item.label, reencrypted, unreadable, remaining)


def _one_pass(
    item: EncryptedModel, *, batch_size: int, on_batch: Callable[[str, int], None] | None
) -> tuple[int, int]:
    prefix = _primary_prefix()
    last_pk: Any = None
    done = bad = 0
    while True:
        with transaction.atomic():
            rows = _lock_batch(item, prefix, after=last_pk, size=batch_size)
            if not rows:
                return done, bad
            last_pk = rows[-1][0]
            updated, failed = _reencrypt_rows(item, rows)
        done, bad = done + updated, bad + failed
        if on_batch is not None:
            on_batch(item.label, done)


def _lock_batch(
    item: EncryptedModel, prefix: str, *, after: Any, size: int
) -> list[tuple[Any, ...]]:
    rows = _with_ciphertexts(item).filter(_needs_reencryption(item, prefix))
    if after is not None:
        rows = rows.filter(pk__gt=after)
    names = [_raw(f.name) for f in item.fields]
    locked = rows.select_for_update(skip_locked=True).order_by("pk").values_list("pk", *names)
    return list(locked[:size])


def _reencrypt_rows(item: EncryptedModel, rows: list[tuple[Any, ...]]) -> tuple[int, int]:
    params: list[list[Any]] = []
    failed = 0
    for pk, *ciphertexts in rows:
        try:
            plain = [
                raw if raw in (None, "") else crypto.decrypt(raw, context=f.crypto_context)
                for f, raw in zip(item.fields, ciphertexts, strict=True)
            ]
        except (crypto.DecryptionError, ValueError):
            failed += 1
            logger.warning("value cannot be decrypted", extra={"model": item.label, "pk": pk})
            continue
        # The field encrypts on the way in, under the ring's first key.
        sealed = [
            f.get_db_prep_save(value, connection)
            for f, value in zip(item.fields, plain, strict=True)
        ]
        params.append([*sealed, pk])
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(_update_sql(item), params)
    return len(params), failed


def _update_sql(item: EncryptedModel) -> str:
    # bulk_update() builds one CASE expression per row and field: far too slow for this job.
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(f.column or f.attname)} = %s" for f in item.fields)
    pk_field = item.model._meta.pk
    assert pk_field is not None
    table, pk = quote(item.model._meta.db_table), quote(pk_field.column or pk_field.attname)
    return f"UPDATE {table} SET {columns} WHERE {pk} = %s"  # noqa: S608 — quoted model names


# Status ------------------------------------------------------------------------------------


def key_status() -> list[ColumnStatus]:
    """How many stored values each key encrypts, per encrypted column."""
    key_ids = [kid for kid, _ in current_ring()]
    report = []
    for item in encrypted_models():
        base = _with_ciphertexts(item)
        for f in item.fields:
            raw = _raw(f.name)
            total = base.count()
            empty = base.filter(Q(**{f"{raw}__isnull": True}) | Q(**{raw: ""})).count()
            by_key = {
                kid: base.filter(**{f"{raw}__startswith": f"{crypto.PREFIX}:{kid}:"}).count()
                for kid in key_ids
            }
            report.append(
                ColumnStatus(
                    label=item.label,
                    field=f.name,
                    by_key=by_key,
                    empty=empty,
                    other=total - empty - sum(by_key.values()),
                )
            )
    return report
