"""Every status change of a line, loan, drawdown, disbursement or installment, checked here.

The end-of-day SQL engine changes installment and loan statuses in bulk; it only makes the
moves that INSTALLMENT_TRANSITIONS and LOAN_TRANSITIONS allow (see services/eod_sql.py).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from lendcrm.core.errors import Conflict
from lendcrm.loans.choices import (
    CreditLineStatus as LineS,
)
from lendcrm.loans.choices import (
    DisbursementStatus as DisbS,
)
from lendcrm.loans.choices import (
    DrawdownStatus as DrawS,
)
from lendcrm.loans.choices import (
    InstallmentStatus as InstS,
)
from lendcrm.loans.choices import (
    LoanStatus as LoanS,
)
from lendcrm.loans.models import CreditLine, Disbursement, Drawdown, Installment, Loan

LINE_TRANSITIONS: dict[str, frozenset[str]] = {
    LineS.ACTIVE: frozenset({LineS.FROZEN, LineS.EXPIRED, LineS.CLOSED}),
    LineS.FROZEN: frozenset({LineS.ACTIVE, LineS.EXPIRED, LineS.CLOSED}),
    LineS.EXPIRED: frozenset({LineS.CLOSED}),
    LineS.CLOSED: frozenset(),
}
LOAN_TRANSITIONS: dict[str, frozenset[str]] = {
    LoanS.PENDING: frozenset({LoanS.ACTIVE, LoanS.CANCELLED}),
    LoanS.ACTIVE: frozenset({LoanS.OVERDUE, LoanS.PAID_OFF, LoanS.WRITTEN_OFF}),
    LoanS.OVERDUE: frozenset({LoanS.ACTIVE, LoanS.PAID_OFF, LoanS.WRITTEN_OFF}),
    # A reversed final payment reopens a paid-off loan.
    LoanS.PAID_OFF: frozenset({LoanS.ACTIVE, LoanS.OVERDUE}),
    LoanS.WRITTEN_OFF: frozenset(),
    LoanS.CANCELLED: frozenset(),
}
DRAWDOWN_TRANSITIONS: dict[str, frozenset[str]] = {
    DrawS.PENDING: frozenset({DrawS.DISBURSED, DrawS.FAILED}),
    DrawS.DISBURSED: frozenset(),
    DrawS.FAILED: frozenset(),
}
DISBURSEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    DisbS.PENDING: frozenset({DisbS.DISBURSED, DisbS.FAILED}),
    DisbS.DISBURSED: frozenset(),
    DisbS.FAILED: frozenset(),
}
INSTALLMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    InstS.SCHEDULED: frozenset({InstS.DUE, InstS.PAID}),
    InstS.DUE: frozenset({InstS.OVERDUE, InstS.PAID}),
    InstS.OVERDUE: frozenset({InstS.PAID}),
    # Reversing a payment reopens the installment it had settled.
    InstS.PAID: frozenset({InstS.SCHEDULED, InstS.DUE, InstS.OVERDUE}),
}


class TransitionRefused(Conflict):
    pass


def is_allowed(table: dict[str, frozenset[str]], current: str, to: str) -> bool:
    return current == to or to in table.get(current, frozenset())


def _move(obj: models.Model, table: dict[str, frozenset[str]], to: str, **extra: Any) -> None:
    current = obj.status  # type: ignore[attr-defined]
    if not is_allowed(table, current, to):
        label = obj._meta.verbose_name
        raise TransitionRefused(f"{label}: {current} → {to} is not allowed", field="status")
    if current == to and not extra:
        return
    obj.status = to  # type: ignore[attr-defined]
    for name, value in extra.items():
        setattr(obj, name, value)
    obj.save(update_fields=["status", *extra])


def transition_line(line: CreditLine, *, to: LineS) -> None:
    _move(line, LINE_TRANSITIONS, to)


def transition_loan(loan: Loan, *, to: LoanS, **extra: Any) -> None:
    _move(loan, LOAN_TRANSITIONS, to, **extra)


def transition_drawdown(drawdown: Drawdown, *, to: DrawS) -> None:
    _move(drawdown, DRAWDOWN_TRANSITIONS, to)


def transition_disbursement(disbursement: Disbursement, *, to: DisbS, **extra: Any) -> None:
    _move(disbursement, DISBURSEMENT_TRANSITIONS, to, **extra)


def transition_installment(installment: Installment, *, to: InstS, **extra: Any) -> None:
    _move(installment, INSTALLMENT_TRANSITIONS, to, **extra)
