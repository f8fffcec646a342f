"""Black and gray lists (黑名单/灰名单): blind indexes of identifiers and the lookup.

Values are matched by the same keyed blind indexes the customer and lead records use (same
purpose, same normalisation), so an application's stored index can be checked without
decrypting anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import connection

from lendcrm.core import clock
from lendcrm.core.cn_ids import (
    PURPOSE_BANK_CARD,
    PURPOSE_ID_NUMBER,
    PURPOSE_MOBILE,
    normalise_id_number,
    normalise_mobile,
)
from lendcrm.core.fields import index_value
from lendcrm.decisions.choices import ListEntryKind, ListType
from lendcrm.decisions.models import ListEntry

PURPOSE_DEVICE = "device"
PURPOSES = {
    ListEntryKind.ID_NUMBER: PURPOSE_ID_NUMBER,
    ListEntryKind.MOBILE: PURPOSE_MOBILE,
    ListEntryKind.BANK_CARD: PURPOSE_BANK_CARD,
    ListEntryKind.DEVICE: PURPOSE_DEVICE,
}


def normalise(kind: str, value: str) -> str:
    if kind == ListEntryKind.ID_NUMBER:
        return normalise_id_number(value)
    if kind == ListEntryKind.MOBILE:
        return normalise_mobile(value)
    if kind == ListEntryKind.BANK_CARD:
        return re.sub(r"\D", "", value)
    return value.strip()


def value_index(kind: str, value: str) -> str:
    return index_value(normalise(kind, value or ""), purpose=PURPOSES[ListEntryKind(kind)])


def indexes_of(identifiers: Mapping[str, str]) -> dict[str, str]:
    """kind → blind index, for the identifiers given (kinds we do not list are skipped)."""
    return {
        kind: value_index(kind, value)
        for kind, value in identifiers.items()
        if kind in ListEntryKind.values and value
    }


@dataclass(frozen=True)
class ListHits:
    black: list[str] = field(default_factory=list)  # kinds that matched
    gray: list[str] = field(default_factory=list)

    @property
    def is_black(self) -> bool:
        return bool(self.black)

    @property
    def is_gray(self) -> bool:
        return bool(self.gray)


def hits_for_indexes(indexes: Mapping[str, str]) -> ListHits:
    """One query: entries matching any (kind, index) pair that have not expired."""
    wanted = {(k, v) for k, v in indexes.items() if v}
    if not wanted:
        return ListHits()
    black: list[str] = []
    gray: list[str] = []
    for list_type, kind, index in _live_entries(sorted({v for _, v in wanted})):
        if (kind, index) in wanted:
            (black if list_type == ListType.BLACK else gray).append(kind)
    return ListHits(black=sorted(set(black)), gray=sorted(set(gray)))


def _live_entries(value_indexes: list[str]) -> list[tuple[str, str, str]]:
    """(list type, kind, index) of unexpired entries with these indexes.

    Plain SQL on the value_index column's own index: asked on every pre-screen, and the ORM
    spent more building the statement than the database spent answering it.
    """
    marks = ", ".join(["%s"] * len(value_indexes))
    sql = (
        f"SELECT list_type, kind, value_index FROM {ListEntry._meta.db_table}"  # noqa: S608
        f" WHERE value_index IN ({marks}) AND (expires_at IS NULL OR expires_at > %s)"
    )
    now = connection.ops.adapt_datetimefield_value(clock.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [*value_indexes, now])
        return [(str(t), str(k), str(i)) for t, k, i in cursor.fetchall()]
