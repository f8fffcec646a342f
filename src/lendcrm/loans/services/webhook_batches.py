"""Batch payment notices: one signed call carries up to 1,000 notices, answered per item.

Channels that settle collections in bulk (批量代扣结果通知) send their results this way. The
signature covers the whole body; each item is checked on its own, so one bad item is rejected
with its position and field while the others are stored. Storing is three statements for the
whole call; posting is the inbox's (services/inbox.py), the same as for single notices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from lendcrm.core.errors import DomainError
from lendcrm.loans.models import Loan, PaymentNotice
from lendcrm.loans.services import inbox
from lendcrm.loans.services.webhooks import (
    Notice,
    authenticate,
    outcome_of,
    parse_notice,
    request_posting,
)

MAX_NOTICES = 1000


@dataclass(frozen=True)
class ItemAnswer:
    index: int
    txn_id: str
    outcome: str  # accepted, posted, duplicate, reversed, reversal_recorded, failed, rejected
    notice_id: int | None = None
    payment_id: int | None = None
    field: str = ""
    message: str = ""


def receive_batch(body: bytes, signature: str, channel_hint: str = "") -> list[ItemAnswer]:
    payload = authenticate(body, signature, channel_hint)
    channel = channel_hint or str(payload.get("channel", ""))
    items = payload.get("notices")
    if not isinstance(items, list) or not items:
        raise DomainError("notices: give a non-empty list", field="notices")
    if len(items) > MAX_NOTICES:
        raise DomainError(f"notices: at most {MAX_NOTICES} per call", field="notices")
    answers: dict[int, ItemAnswer] = {}
    parsed = _parse(items, channel, answers)
    known = set(
        Loan.objects.filter(loan_no__in={n.loan_no for n in parsed.values()}).values_list(
            "loan_no", flat=True
        )
    )
    for index, notice in list(parsed.items()):
        if notice.loan_no not in known:
            answers[index] = _rejected(index, notice.txn_id, "loan_no", "unknown loan")
            del parsed[index]
    rows, created = _store(list(parsed.values()))
    if created and inbox.posting_is_queued():
        transaction.on_commit(request_posting)
    elif created:
        while inbox.post_received(notice_ids=[row.pk for row in created.values()]):
            pass
        rows = _rows_for(list(rows), channel)
    first_index: dict[tuple[str, str], int] = {}
    for index, notice in parsed.items():
        first_index.setdefault((notice.txn_id, notice.event), index)
    for index, notice in parsed.items():
        key = (notice.txn_id, notice.event)
        row = rows[key]
        first = key in created and created[key].pk == row.pk and first_index[key] == index
        outcome = outcome_of(row, first_delivery=first)
        answers[index] = ItemAnswer(
            index,
            notice.txn_id,
            outcome,
            row.pk,
            row.payment_id,
            message=row.error if outcome == "failed" else "",
        )
    return [answers[index] for index in range(len(items))]


def _parse(items: list[Any], channel: str, answers: dict[int, ItemAnswer]) -> dict[int, Notice]:
    parsed: dict[int, Notice] = {}
    for index, raw in enumerate(items):
        txn = str(raw.get("txn_id", ""))[:64] if isinstance(raw, dict) else ""
        try:
            if not isinstance(raw, dict):
                raise DomainError("not a JSON object", field="body")
            parsed[index] = parse_notice(raw, channel)
        except DomainError as exc:
            answers[index] = _rejected(index, txn, "", str(exc))
    return parsed


def _rejected(index: int, txn_id: str, name: str, message: str) -> ItemAnswer:
    field = f"notices[{index}].{name}" if name else f"notices[{index}]"
    return ItemAnswer(index, txn_id, "rejected", field=field, message=message)


def _store(
    notices: list[Notice],
) -> tuple[dict[tuple[str, str], PaymentNotice], dict[tuple[str, str], PaymentNotice]]:
    """Every notice's inbox row, and those this call created (a redelivery creates none)."""
    if not notices:
        return {}, {}
    channel = notices[0].channel
    keys = list(dict.fromkeys((n.txn_id, n.event) for n in notices))
    existing = _rows_for(keys, channel)
    fresh = {(n.txn_id, n.event): n for n in notices if (n.txn_id, n.event) not in existing}
    PaymentNotice.objects.bulk_create(
        [
            PaymentNotice(
                channel=channel,
                txn_id=n.txn_id,
                event=n.event,
                loan_no=n.loan_no,
                amount=n.amount,
                paid_on=n.paid_on,
            )
            for n in fresh.values()
        ],
        ignore_conflicts=True,  # a parallel redelivery may have stored one meanwhile
    )
    rows = _rows_for(keys, channel)
    created = {key: rows[key] for key in fresh}
    return rows, created


def _rows_for(keys: list[tuple[str, str]], channel: str) -> dict[tuple[str, str], PaymentNotice]:
    rows = PaymentNotice.objects.filter(
        channel=channel,
        txn_id__in={txn for txn, _ in keys},
        event__in={event for _, event in keys},
    )
    wanted = set(keys)
    return {(r.txn_id, r.event): r for r in rows if (r.txn_id, r.event) in wanted}
