"""A synthetic loan book for the end-of-day benchmark, loaded with set-based SQL (PostgreSQL).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/lendcrm_bench \\
        .venv/bin/python benchmarks/eod_portfolio.py --loans 1000000 --date 2025-06-30 --reset

Every loan is 12,000.00 over 12 months, equal principal, 12 % a year, started on one of the
330 days before --date. Installments due before --date are paid, except for one loan in
twenty, whose installments of the last 75 days are overdue and unpaid. Each loan gets one
opening journal entry for what it owes, so `lendcrm ledger verify` holds on the result.
--reset empties the loans tables of the configured database first: use a scratch database.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendcrm.config.settings")
django.setup()

from django.db import connection  # noqa: E402

from lendcrm.loans.choices import ProductKind, RepaymentMethod  # noqa: E402
from lendcrm.loans.models import Product  # noqa: E402

TABLES = (
    "loans_journalline, loans_journalentry, loans_payment, loans_disbursement, loans_drawdown,"
    " loans_installment, loans_eodchunk, loans_eodrun, loans_loan"
)

LOANS = """
INSERT INTO loans_loan (created_at, updated_at, loan_no, customer_id, product_id, principal,
    annual_rate, penalty_rate, term, method, start_date, maturity_date, status, dpd, bucket,
    principal_balance, interest_balance, penalty_balance, fee_balance, credit_balance,
    convention, prepayments)
SELECT now(), now(), 'BL' || lpad(g::text, 12, '0'), %(customer)s, %(product)s, 12000.00,
    0.120000, 0.180000, 12, 'equal_principal', s.start, (s.start + interval '12 month')::date,
    'active', 0, 'M0', 0, 0, 0, 0, 0, 'monthly_30_360', '[]'
FROM generate_series(1, %(loans)s) AS g
CROSS JOIN LATERAL (SELECT (%(d)s::date - (1 + g %% 330))::date AS start) AS s
"""

INSTALLMENTS = """
INSERT INTO loans_installment (loan_id, period, due_date, principal_due, interest_due, fee_due,
    penalty_due, principal_paid, interest_paid, fee_paid, penalty_paid, status, paid_on)
SELECT l.id, k, x.due, 1000.00, x.interest, 0, 0,
    CASE WHEN x.paid THEN 1000.00 ELSE 0 END, CASE WHEN x.paid THEN x.interest ELSE 0 END, 0, 0,
    CASE WHEN x.paid THEN 'paid' WHEN x.due < %(d)s THEN 'overdue' ELSE 'scheduled' END,
    CASE WHEN x.paid THEN x.due END
FROM loans_loan l CROSS JOIN generate_series(1, 12) AS k
CROSS JOIN LATERAL (
    SELECT (l.start_date + k * interval '1 month')::date AS due,
           ROUND((12000 - 1000 * (k - 1)) * 0.01, 2) AS interest
) AS d0
CROSS JOIN LATERAL (
    SELECT d0.due, d0.interest,
           d0.due < %(d)s AND NOT (l.id %% 20 = 0 AND d0.due >= %(d)s::date - 75) AS paid
) AS x
"""

BALANCES = """
UPDATE loans_loan l SET principal_balance = s.principal, interest_balance = s.interest
FROM (
    SELECT loan_id, SUM(principal_due - principal_paid) AS principal,
           COALESCE(SUM(interest_due - interest_paid) FILTER (WHERE status <> 'scheduled'), 0) AS interest
    FROM loans_installment GROUP BY loan_id
) AS s WHERE l.id = s.loan_id
"""

OPENING = """
WITH e AS (
    INSERT INTO loans_journalentry (loan_id, business_date, kind, memo, created_at)
    SELECT id, start_date, 'disbursement', 'opening balance', now() FROM loans_loan ORDER BY id
    RETURNING id, loan_id
)
INSERT INTO loans_journalline (entry_id, loan_id, account, debit, credit)
SELECT e.id, e.loan_id, v.account, v.debit, v.credit
FROM e JOIN loans_loan l ON l.id = e.loan_id
CROSS JOIN LATERAL (VALUES
    ('principal_receivable', l.principal_balance, 0.00),
    ('interest_receivable', COALESCE(l.interest_balance, 0), 0.00),
    ('clearing', 0.00, l.principal_balance + COALESCE(l.interest_balance, 0))
) AS v(account, debit, credit)
WHERE v.debit + v.credit > 0
"""


def ensure_product_and_customer() -> tuple[int, int]:
    from lendcrm.loans.tests.factories import make_customer

    product, _ = Product.objects.get_or_create(
        code="BENCH-EOD",
        defaults={
            "name": "EOD benchmark",
            "kind": ProductKind.REVOLVING,
            "min_amount": 100,
            "max_amount": 200000,
            "terms": [12],
            "min_rate": "0.05",
            "max_rate": "0.24",
            "repayment_methods": [RepaymentMethod.EQUAL_PRINCIPAL.value],
        },
    )
    from lendcrm.customers.models import Customer

    customer = Customer.objects.filter(customer_no__startswith="C").first() or make_customer()
    return product.pk, customer.pk


def generate(loans: int, business_date: date, *, reset: bool) -> None:
    if connection.vendor != "postgresql":
        sys.exit("the generator uses PostgreSQL SQL; set DATABASE_URL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM loans_loan")
        existing = cursor.fetchone()[0]  # type: ignore[index]
        if existing and not reset:
            sys.exit(f"{existing} loans already exist; pass --reset to empty the loans tables")
        if reset:
            cursor.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    product, customer = ensure_product_and_customer()
    params = {"loans": loans, "d": business_date, "product": product, "customer": customer}
    _skip_foreign_key_triggers_when_allowed()
    for name, sql in (
        ("loans", LOANS),
        ("installments", INSTALLMENTS),
        ("balances", BALANCES),
        ("opening entries", OPENING),
    ):
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        print(f"{name:<16} {time.monotonic() - started:7.1f}s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE loans_loan, loans_installment, loans_journalentry, loans_journalline"
        )


def _skip_foreign_key_triggers_when_allowed() -> None:
    """The rows are generated consistent; a superuser may skip per-row FK checks while loading."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute("SET session_replication_role = replica")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=1_000_000)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2025, 6, 30))
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args()
    generate(args.loans, args.date, reset=args.reset)


if __name__ == "__main__":
    main()
