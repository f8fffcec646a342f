"""`lendcrm ledger verify`: every entry balances, and every loan's balances equal its journal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import Round

from lendcrm.core.money import ZERO
from lendcrm.loans.choices import Account, InstallmentStatus, LoanStatus
from lendcrm.loans.models import Installment, JournalEntry, JournalLine, Loan
from lendcrm.loans.services.ledger import BALANCE_COLUMNS

NOT_BOOKED = (LoanStatus.PENDING, LoanStatus.CANCELLED)
# A written-off loan keeps its unpaid schedule for collections; its receivables are gone.
SCHEDULE_OFF_BOOK = (*NOT_BOOKED, LoanStatus.WRITTEN_OFF)


@dataclass(frozen=True)
class Mismatch:
    loan_no: str
    account: str
    journal: Decimal
    recorded: Decimal
    where: str

    def describe(self) -> str:
        return (
            f"loan {self.loan_no}: {self.account} journal {self.journal} "
            f"!= {self.where} {self.recorded}"
        )


@dataclass(frozen=True)
class VerifyResult:
    loans_checked: int
    mismatch: Mismatch | None
    unbalanced_entry_id: int | None

    @property
    def ok(self) -> bool:
        return self.mismatch is None and self.unbalanced_entry_id is None

    def describe(self) -> str:
        """The first problem in words, naming the loan; empty when the ledger is sound."""
        if self.unbalanced_entry_id is not None:
            entry = JournalEntry.objects.select_related("loan").get(pk=self.unbalanced_entry_id)
            return f"loan {entry.loan.loan_no}: journal entry #{entry.pk} does not balance"
        return self.mismatch.describe() if self.mismatch is not None else ""


def first_unbalanced_entry() -> int | None:
    row = (
        JournalLine.objects.values("entry_id")
        # Summed in whole cents: SQLite adds decimals as floats, which would flag balanced entries.
        .annotate(d=Sum(Round(F("debit") * 100)), c=Sum(Round(F("credit") * 100)))
        .filter(~Q(d=F("c")))
        .order_by("entry_id")
        .first()
    )
    return int(row["entry_id"]) if row else None


def verify_ledger(*, batch_size: int = 2000) -> VerifyResult:
    unbalanced = first_unbalanced_entry()
    checked = 0
    for batch in _loan_batches(batch_size):
        journal = _journal_by_loan(batch[0].pk, batch[-1].pk)
        schedule = _schedule_by_loan(batch[0].pk, batch[-1].pk)
        for loan in batch:
            checked += 1
            mismatch = _check_loan(loan, journal[loan.pk], schedule[loan.pk])
            if mismatch is not None:
                return VerifyResult(checked, mismatch, unbalanced)
    return VerifyResult(checked, None, unbalanced)


def _loan_batches(size: int) -> Iterator[list[Loan]]:
    last = 0
    columns = ["id", "loan_no", "status", *(c for c, _ in BALANCE_COLUMNS.values())]
    while True:
        batch = list(Loan.objects.filter(pk__gt=last).order_by("pk").only(*columns)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def _journal_by_loan(first: int, last: int) -> dict[int, dict[Account, Decimal]]:
    result: dict[int, dict[Account, Decimal]] = defaultdict(dict)
    rows = (
        JournalLine.objects.filter(loan_id__gte=first, loan_id__lte=last)
        .values("loan_id", "account")
        # Summed in whole cents: SQLite adds decimals as floats, which would flag balanced entries.
        .annotate(d=Sum(Round(F("debit") * 100)), c=Sum(Round(F("credit") * 100)))
    )
    for row in rows:
        account = Account(row["account"])
        sign = BALANCE_COLUMNS.get(account, ("", 1))[1]
        cents = int(row["d"]) - int(row["c"])
        result[row["loan_id"]][account] = sign * Decimal(cents).scaleb(-2)
    return result


def _schedule_by_loan(first: int, last: int) -> dict[int, dict[Account, Decimal]]:
    billed = ~Q(status=InstallmentStatus.SCHEDULED)
    rows = (
        Installment.objects.filter(loan_id__gte=first, loan_id__lte=last)
        .values("loan_id")
        .annotate(
            p=Sum(F("principal_due") - F("principal_paid")),
            i=Sum(F("interest_due") - F("interest_paid"), filter=billed),
            f=Sum(F("fee_due") - F("fee_paid"), filter=billed),
            n=Sum(F("penalty_due") - F("penalty_paid")),
        )
    )
    result: dict[int, dict[Account, Decimal]] = defaultdict(dict)
    for row in rows:
        result[row["loan_id"]] = {
            Account.PRINCIPAL_RECEIVABLE: row["p"] or ZERO,
            Account.INTEREST_RECEIVABLE: row["i"] or ZERO,
            Account.FEE_RECEIVABLE: row["f"] or ZERO,
            Account.PENALTY_RECEIVABLE: row["n"] or ZERO,
        }
    return result


def _check_loan(
    loan: Loan, journal: dict[Account, Decimal], schedule: dict[Account, Decimal]
) -> Mismatch | None:
    booked = loan.status not in SCHEDULE_OFF_BOOK
    for account, (column, _sign) in BALANCE_COLUMNS.items():
        in_journal = journal.get(account, ZERO)
        recorded: Decimal = getattr(loan, column)
        if in_journal != recorded:
            return Mismatch(loan.loan_no, account.value, in_journal, recorded, f"loan.{column}")
        if booked and account in schedule and schedule[account] != in_journal:
            return Mismatch(loan.loan_no, account.value, in_journal, schedule[account], "schedule")
    return None
