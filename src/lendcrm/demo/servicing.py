"""Loans with repayment histories for disbursed demo applications, through the loans services.

Each disbursed application on a single-loan product decided within LOOKBACK_DAYS of `as_of`
(older ones get none, to keep `lendcrm demo` fast) gets one loan, keyed by the application so
reseeding creates nothing, disbursed through the payment gateway. Repayments are posted for the
installments due by `as_of`; a customer who defaults (drawn with demo.risk.default_probability)
stops paying from a random period on. Revolving products (SJSH) need a credit line and are left
out. End of day runs for `as_of` only when it does not have to catch up many past dates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.demo.risk import default_probability
from lendcrm.loans.choices import LoanStatus, PaymentSource, ProductKind, RepaymentMethod
from lendcrm.loans.models import Installment, Loan
from lendcrm.loans.services.disbursements import disburse
from lendcrm.loans.services.drawdowns import create_single_loan
from lendcrm.loans.services.end_of_day import dates_to_run, run_end_of_day
from lendcrm.loans.services.repayments import post_payment

PAYMENT_CHANNEL = "demo"
LOOKBACK_DAYS = 180  # older disbursed applications get no loan: keeps `lendcrm demo` fast
MAX_EOD_DATES = 3  # end of day catches up every date since the last run: only run it when few


@dataclass(frozen=True)
class Serviced:
    loans: int = 0
    payments: int = 0
    defaulted: int = 0
    eod_dates: int = 0


def service_disbursed(*, seed: int, as_of: date) -> Serviced:
    """Create, disburse and repay the loans of disbursed applications that have no loan yet."""
    applications = (
        Application.objects.filter(
            status=ApplicationStatus.DISBURSED,
            product__kind=ProductKind.SINGLE_LOAN,
            application_no__startswith=f"A{seed}-",
            decided_at__date__gte=as_of - timedelta(days=LOOKBACK_DAYS),
        )
        .exclude(pk__in=Loan.objects.filter(application__isnull=False).values("application_id"))
        .select_related("customer", "product")
        .order_by("application_no")
    )
    loans = payments = defaulted = 0
    for application in applications:
        made = _service_one(application, seed=seed, as_of=as_of)
        if made is None:
            continue
        loans += 1
        payments += made[0]
        defaulted += made[1]
    eod_dates = 0
    if loans and len(dates_to_run(as_of)) <= MAX_EOD_DATES:
        eod_dates = len(run_end_of_day(as_of))
    return Serviced(loans, payments, defaulted, eod_dates)


def _start_of(application: Application) -> date | None:
    stamp = application.decided_at or application.submitted_at
    return stamp.date() if stamp is not None else None


def _service_one(application: Application, *, seed: int, as_of: date) -> tuple[int, int] | None:
    start = _start_of(application)
    if start is None or start > as_of:
        return None
    rng = random.Random(f"{seed}:loan:{application.application_no}")
    product = application.product
    steps = int((product.max_rate - product.min_rate) * 10000)
    rate = product.min_rate + Decimal(rng.randint(0, max(steps, 0))) / 10000
    loan = create_single_loan(
        customer=application.customer,
        product=product,
        amount=application.amount,
        term=application.term,
        method=RepaymentMethod(application.repayment_method),
        annual_rate=rate,
        acting_user=None,
        application=application,
        start=start,
    )
    disburse(loan, acting_user=None)
    loan.refresh_from_db(fields=["status"])
    if loan.status != LoanStatus.ACTIVE:
        return None
    defaults = rng.random() < default_probability(application.customer, on=start)
    stop = rng.randint(1, application.term) if defaults else application.term + 1
    posted = _repay(loan, rng, key=application.application_no, stop=stop, as_of=as_of)
    return posted, int(defaults)


def _repay(loan: Loan, rng: random.Random, *, key: str, stop: int, as_of: date) -> int:
    posted = 0
    installments = Installment.objects.filter(loan=loan, due_date__lte=as_of).order_by("period")
    for row in list(installments):
        if row.period >= stop:
            break
        late = rng.random() < 0.15
        paid_on = row.due_date + timedelta(days=rng.randint(1, 5) if late else 0)
        if paid_on > as_of:
            break
        post_payment(
            loan,
            amount=row.principal_due + row.interest_due + row.fee_due,
            channel=PAYMENT_CHANNEL,
            channel_txn_id=f"{key}:{row.period}",
            value_date=paid_on,
            source=PaymentSource.MANUAL,
        )
        posted += 1
    return posted
