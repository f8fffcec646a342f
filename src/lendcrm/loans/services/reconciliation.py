"""Reconciliation import (对账): a channel's CSV of received payments, posted row by row.

Columns: txn_id, loan_no, amount, paid_on (YYYY-MM-DD). Each row is its own transaction and
gets its own result; a row already posted (by webhook or an earlier import) is a duplicate.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import InvalidOperation
from typing import Any

from lendcrm.audit.services import record_event
from lendcrm.core.errors import DomainError
from lendcrm.core.money import to_money
from lendcrm.loans.choices import PaymentSource
from lendcrm.loans.models import Loan
from lendcrm.loans.services.repayments import post_payment

COLUMNS = ("txn_id", "loan_no", "amount", "paid_on")
MAX_ROWS = 50_000


@dataclass(frozen=True)
class RowResult:
    line: int
    txn_id: str
    outcome: str  # posted, duplicate, error
    message: str = ""
    payment_id: int | None = None


def import_reconciliation(text: str, *, channel: str, acting_user: Any) -> list[RowResult]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DomainError(f"missing columns: {', '.join(missing)}", field="file")
    results = [
        _post_row(number, row, channel, acting_user)
        for number, row in enumerate(reader, start=2)
        if number <= MAX_ROWS + 1
    ]
    record_event(
        "loans.reconciliation_imported",
        actor=acting_user,
        metadata={
            "channel": channel,
            "rows": len(results),
            "posted": sum(r.outcome == "posted" for r in results),
            "errors": sum(r.outcome == "error" for r in results),
        },
    )
    return results


def _post_row(number: int, row: dict[str, str], channel: str, acting_user: Any) -> RowResult:
    txn_id = (row.get("txn_id") or "").strip()[:64]
    try:
        loan = Loan.objects.filter(loan_no=(row.get("loan_no") or "").strip()).first()
        if loan is None:
            return RowResult(number, txn_id, "error", "unknown loan")
        if not txn_id:
            return RowResult(number, txn_id, "error", "missing txn_id")
        result = post_payment(
            loan,
            amount=to_money((row.get("amount") or "").strip()),
            channel=channel,
            channel_txn_id=txn_id,
            value_date=date.fromisoformat((row.get("paid_on") or "").strip()),
            source=PaymentSource.RECONCILIATION,
            acting_user=acting_user,
        )
    except (ValueError, InvalidOperation) as exc:
        return RowResult(number, txn_id, "error", str(exc)[:200])
    except DomainError as exc:
        return RowResult(number, txn_id, "error", exc.message[:200])
    outcome = "posted" if result.created else "duplicate"
    return RowResult(number, txn_id, outcome, payment_id=result.payment.pk)
