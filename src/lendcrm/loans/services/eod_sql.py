"""End of day in set-based SQL (PostgreSQL): a handful of statements per chunk of loans.

Each statement mirrors one step of eod_python and makes only the status moves that
loans.transitions allows: scheduled → due, due → overdue, active ↔ overdue.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import connection
from django.db.backends.utils import CursorWrapper

from lendcrm.loans.buckets import bucket_bounds
from lendcrm.loans.choices import InstallmentStatus as I
from lendcrm.loans.choices import LoanStatus as L
from lendcrm.loans.models import Loan
from lendcrm.loans.services.repayments import apply_credit_balance
from lendcrm.loans.transitions import INSTALLMENT_TRANSITIONS, LOAN_TRANSITIONS

NO_UPPER_BOUND = 2**62
_IN_CHUNK = "l.id >= %(lo)s AND l.id <= %(hi)s AND l.status IN ('active', 'overdue')"
# Said again on the installment side: the planner does not carry a range across a join.
_ROWS_IN_CHUNK = "i.loan_id >= %(lo)s AND i.loan_id <= %(hi)s"

assert I.DUE in INSTALLMENT_TRANSITIONS[I.SCHEDULED]
assert I.OVERDUE in INSTALLMENT_TRANSITIONS[I.DUE]
assert L.OVERDUE in LOAN_TRANSITIONS[L.ACTIVE]
assert L.ACTIVE in LOAN_TRANSITIONS[L.OVERDUE]


def _entries_sql(kind: str, legs: str) -> str:
    """Insert one journal entry per row of `sums`, with lines from the VALUES list `legs`."""
    return f"""
    entries AS (
        INSERT INTO loans_journalentry (loan_id, business_date, kind, memo, created_at)
        SELECT loan_id, %(d)s, '{kind}', '', now() FROM sums ORDER BY loan_id
        RETURNING id, loan_id
    ), lines AS (
        INSERT INTO loans_journalline (entry_id, loan_id, account, debit, credit)
        SELECT e.id, e.loan_id, v.account, v.debit, v.credit
        FROM entries e JOIN sums s ON s.loan_id = e.loan_id
        CROSS JOIN LATERAL (VALUES {legs}) AS v(account, debit, credit)
        WHERE v.debit + v.credit > 0
    )"""  # noqa: S608 — every piece is a constant of this module


BILL = f"""
WITH billed AS (
    UPDATE loans_installment i SET status = 'due'
    FROM loans_loan l
    WHERE l.id = i.loan_id AND {_IN_CHUNK} AND {_ROWS_IN_CHUNK}
      AND i.status = 'scheduled' AND i.due_date >= %(first_due)s AND i.due_date <= %(d)s
    RETURNING i.loan_id, i.interest_due, i.fee_due
), sums AS (
    SELECT loan_id, SUM(interest_due) AS interest, SUM(fee_due) AS fee
    FROM billed GROUP BY loan_id HAVING SUM(interest_due) + SUM(fee_due) > 0
), {
    _entries_sql(
        "billing",
        "('interest_receivable', s.interest, 0.00), ('interest_income', 0.00, s.interest),"
        " ('fee_receivable', s.fee, 0.00), ('fee_income', 0.00, s.fee)",
    )
}
UPDATE loans_loan l
SET interest_balance = l.interest_balance + s.interest, fee_balance = l.fee_balance + s.fee
FROM sums s WHERE l.id = s.loan_id
"""  # noqa: S608

MARK_OVERDUE = f"""
UPDATE loans_installment i SET status = 'overdue'
FROM loans_loan l JOIN loans_product p ON p.id = l.product_id
WHERE l.id = i.loan_id AND {_IN_CHUNK} AND {_ROWS_IN_CHUNK}
  AND i.status = 'due' AND i.due_date + p.grace_days < %(d)s
"""  # noqa: S608

_PENALTY = "ROUND((i.principal_due - i.principal_paid) * l.penalty_rate / 365, 2)"
ACCRUE_PENALTY = f"""
WITH accrued AS (
    UPDATE loans_installment i SET penalty_due = i.penalty_due + {_PENALTY}
    FROM loans_loan l
    WHERE l.id = i.loan_id AND {_IN_CHUNK} AND {_ROWS_IN_CHUNK}
      AND i.status = 'overdue' AND {_PENALTY} > 0
    RETURNING i.loan_id, {_PENALTY} AS amount
), sums AS (
    SELECT loan_id, SUM(amount) AS amount FROM accrued GROUP BY loan_id
), {
    _entries_sql(
        "penalty_accrual",
        "('penalty_receivable', s.amount, 0.00), ('penalty_income', 0.00, s.amount)",
    )
}
UPDATE loans_loan l SET penalty_balance = l.penalty_balance + s.amount
FROM sums s WHERE l.id = s.loan_id
"""  # noqa: S608


def _bucket_case(bounds: Sequence[int]) -> str:
    whens = " ".join(
        f"WHEN c.dpd <= {int(upper)} THEN 'M{index}'" for index, upper in enumerate(bounds, 1)
    )
    return f"CASE WHEN c.dpd <= 0 THEN 'M0' {whens} ELSE 'M{len(bounds) + 1}' END"


def _measure_sql(bounds: Sequence[int]) -> str:
    status = "CASE WHEN c.dpd > 0 THEN 'overdue' ELSE 'active' END"
    return f"""
WITH oldest AS (
    SELECT i.loan_id, MIN(i.due_date) AS due_date FROM loans_installment i
    WHERE i.status = 'overdue' AND i.loan_id >= %(lo)s AND i.loan_id <= %(hi)s
    GROUP BY i.loan_id
), c AS (
    SELECT l.id, COALESCE(%(d)s::date - o.due_date, 0) AS dpd
    FROM loans_loan l LEFT JOIN oldest o ON o.loan_id = l.id
    WHERE {_IN_CHUNK}
)
UPDATE loans_loan l SET dpd = c.dpd, bucket = {_bucket_case(bounds)}, status = {status}
FROM c WHERE l.id = c.id AND l.id >= %(lo)s AND l.id <= %(hi)s
  AND (l.dpd <> c.dpd OR l.status <> {status})
"""  # noqa: S608


def process_chunk(first: int, last: int | None, business_date: date) -> None:
    upper = NO_UPPER_BOUND if last is None else last
    params: dict[str, int | date] = {"lo": first, "hi": upper, "d": business_date}
    with connection.cursor() as cursor:
        first_due = _first_scheduled_due_date(cursor)
        if first_due is not None and first_due <= business_date:
            cursor.execute(BILL, {**params, "first_due": first_due})
        _apply_credit_balances(first, upper, business_date)
        cursor.execute(MARK_OVERDUE, params)
        cursor.execute(ACCRUE_PENALTY, params)
        cursor.execute(_measure_sql(bucket_bounds()), params)


def _first_scheduled_due_date(cursor: CursorWrapper) -> date | None:
    """A lower bound that lets the planner see how few rows fall due (installment_billing_idx)."""
    cursor.execute("SELECT MIN(due_date) FROM loans_installment WHERE status = 'scheduled'")
    row = cursor.fetchone()
    return row[0] if row else None


def _apply_credit_balances(first: int, last: int, business_date: date) -> None:
    """Overpaid money is rare: settle it with the same Python code the reference uses."""
    waiting = Loan.objects.filter(
        pk__gte=first, pk__lte=last, status__in=(L.ACTIVE, L.OVERDUE), credit_balance__gt=0
    ).select_related("product", "line")
    for loan in waiting.order_by("pk"):
        apply_credit_balance(loan, business_date=business_date)
