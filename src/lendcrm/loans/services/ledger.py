"""The loan ledger: immutable, balanced double-entry journal entries, and the balances they imply."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum

from lendcrm.core.errors import DomainError
from lendcrm.core.money import ZERO, to_money
from lendcrm.loans.choices import Account, EntryKind, InstallmentStatus
from lendcrm.loans.models import Installment, JournalEntry, JournalLine, Loan, Payment

# The loan column that mirrors each account, and the sign that turns debit-minus-credit into it.
BALANCE_COLUMNS: dict[Account, tuple[str, int]] = {
    Account.PRINCIPAL_RECEIVABLE: ("principal_balance", 1),
    Account.INTEREST_RECEIVABLE: ("interest_balance", 1),
    Account.PENALTY_RECEIVABLE: ("penalty_balance", 1),
    Account.FEE_RECEIVABLE: ("fee_balance", 1),
    Account.SUSPENSE: ("credit_balance", -1),
}


@dataclass(frozen=True)
class Leg:
    account: Account
    debit: Decimal = ZERO
    credit: Decimal = ZERO


def debit(account: Account, amount: Decimal) -> Leg:
    return Leg(account=account, debit=amount)


def credit(account: Account, amount: Decimal) -> Leg:
    return Leg(account=account, credit=amount)


class UnbalancedEntry(DomainError):
    pass


def check_legs(legs: Sequence[Leg]) -> None:
    for leg in legs:
        if leg.debit < ZERO or leg.credit < ZERO or (leg.debit and leg.credit):
            raise UnbalancedEntry("a journal line carries one non-negative side")
        if leg.debit != leg.debit.quantize(Decimal("0.01")) or leg.credit != leg.credit.quantize(
            Decimal("0.01")
        ):
            raise UnbalancedEntry("journal amounts are whole cents")
    total_debit = sum((leg.debit for leg in legs), ZERO)
    total_credit = sum((leg.credit for leg in legs), ZERO)
    if total_debit != total_credit:
        raise UnbalancedEntry(f"debits {total_debit} differ from credits {total_credit}")


def post_entry(
    loan: Loan,
    *,
    kind: EntryKind,
    business_date: date,
    legs: Iterable[Leg],
    payment: Payment | None = None,
    reverses: JournalEntry | None = None,
    memo: str = "",
) -> JournalEntry | None:
    """Write one balanced entry and move the loan's mirrored balances by the same amounts."""
    kept = [leg for leg in legs if leg.debit or leg.credit]
    check_legs(kept)
    if not kept:
        return None
    # No savepoint of its own: a failure here must fail the whole business operation.
    with transaction.atomic(savepoint=False):
        entry = JournalEntry.objects.create(
            loan=loan,
            business_date=business_date,
            kind=kind,
            payment=payment,
            reverses=reverses,
            memo=memo[:120],
        )
        JournalLine.objects.bulk_create(
            JournalLine(
                entry=entry, loan=loan, account=leg.account, debit=leg.debit, credit=leg.credit
            )
            for leg in kept
        )
        _move_balances(loan, kept)
    return entry


def _move_balances(loan: Loan, legs: Sequence[Leg]) -> None:
    deltas: dict[str, Decimal] = {}
    for leg in legs:
        column = BALANCE_COLUMNS.get(leg.account)
        if column is not None:
            name, sign = column
            deltas[name] = deltas.get(name, ZERO) + sign * (leg.debit - leg.credit)
    deltas = {name: delta for name, delta in deltas.items() if delta}
    if not deltas:
        return
    Loan.objects.filter(pk=loan.pk).update(**{n: F(n) + d for n, d in deltas.items()})
    for name, delta in deltas.items():
        setattr(loan, name, getattr(loan, name) + delta)


def reverse_entry(
    entry: JournalEntry, *, business_date: date, loan: Loan | None = None, memo: str = ""
) -> JournalEntry:
    """The mirror image of an entry: debits become credits and the reverse."""
    legs = [
        Leg(account=Account(line.account), debit=line.credit, credit=line.debit)
        for line in entry.lines.all()
    ]
    reversal = post_entry(
        loan or entry.loan,
        kind=EntryKind.REVERSAL,
        business_date=business_date,
        legs=legs,
        payment=entry.payment,
        reverses=entry,
        memo=memo or f"reverses #{entry.pk}",
    )
    assert reversal is not None
    return reversal


def journal_balances(loan_id: int) -> dict[Account, Decimal]:
    """Each account's balance for one loan, signed as the loan shows it (suspense as a credit)."""
    rows = (
        JournalLine.objects.filter(loan_id=loan_id)
        .values("account")
        .annotate(debits=Sum("debit"), credits=Sum("credit"))
    )
    balances = dict.fromkeys(Account, ZERO)
    for row in rows:
        account = Account(row["account"])
        raw = (row["debits"] or ZERO) - (row["credits"] or ZERO)
        sign = BALANCE_COLUMNS.get(account, ("", 1))[1]
        balances[account] = to_money(sign * raw)  # SQLite sums lose the scale
    return balances


def installment_balances(loan_id: int) -> dict[Account, Decimal]:
    """What the schedule says is owed: all unpaid principal, and billed interest, fees, penalty."""
    rows = Installment.objects.filter(loan_id=loan_id)
    billed = rows.exclude(status=InstallmentStatus.SCHEDULED)
    principal = rows.aggregate(v=Sum(F("principal_due") - F("principal_paid")))["v"]
    other = billed.aggregate(
        interest=Sum(F("interest_due") - F("interest_paid")),
        fee=Sum(F("fee_due") - F("fee_paid")),
    )
    penalty = rows.aggregate(v=Sum(F("penalty_due") - F("penalty_paid")))["v"]
    return {
        Account.PRINCIPAL_RECEIVABLE: principal or ZERO,
        Account.INTEREST_RECEIVABLE: other["interest"] or ZERO,
        Account.FEE_RECEIVABLE: other["fee"] or ZERO,
        Account.PENALTY_RECEIVABLE: penalty or ZERO,
    }
