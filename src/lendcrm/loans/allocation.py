"""Allocation of a payment over what is owed: a pure function, never creating or losing a cent."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from lendcrm.core.money import ZERO
from lendcrm.loans.choices import AllocationStrategy, Component

DEFAULT_ORDER: tuple[Component, ...] = (
    Component.PENALTY,
    Component.FEE,
    Component.INTEREST,
    Component.PRINCIPAL,
)


@dataclass(frozen=True)
class Due:
    """What is still owed on one installment, by component."""

    period: int
    penalty: Decimal = ZERO
    fee: Decimal = ZERO
    interest: Decimal = ZERO
    principal: Decimal = ZERO

    def owed(self, component: Component) -> Decimal:
        value: Decimal = getattr(self, component.value)
        return value


@dataclass(frozen=True)
class Part:
    period: int
    component: Component
    amount: Decimal


@dataclass(frozen=True)
class Allocation:
    parts: tuple[Part, ...]
    unapplied: Decimal

    @property
    def applied(self) -> Decimal:
        return sum((p.amount for p in self.parts), ZERO)

    def total(self, component: Component) -> Decimal:
        return sum((p.amount for p in self.parts if p.component == component), ZERO)


def parse_order(raw: Sequence[str]) -> tuple[Component, ...]:
    """A product's configured order; components it leaves out come last in the default order."""
    named = [Component(value) for value in raw]
    if len(set(named)) != len(named):
        raise ValueError("allocation order names a component twice")
    return (*named, *(c for c in DEFAULT_ORDER if c not in named))


def _slots(
    dues: Sequence[Due], order: Sequence[Component], strategy: AllocationStrategy
) -> Iterator[tuple[int, Component, Decimal]]:
    oldest_first = sorted(dues, key=lambda d: d.period)
    if strategy == AllocationStrategy.COMPONENT_FIRST:
        for component in order:
            for due in oldest_first:
                yield due.period, component, due.owed(component)
        return
    for due in oldest_first:
        for component in order:
            yield due.period, component, due.owed(component)


def allocate(
    amount: Decimal,
    dues: Sequence[Due],
    *,
    order: Sequence[Component] = DEFAULT_ORDER,
    strategy: AllocationStrategy = AllocationStrategy.OLDEST_INSTALLMENT_FIRST,
) -> Allocation:
    """Fill the owed slots in order until the amount is used; the rest is unapplied."""
    if amount < ZERO:
        raise ValueError("cannot allocate a negative amount")
    remaining = amount
    parts: list[Part] = []
    for period, component, owed in _slots(dues, order, strategy):
        if remaining <= ZERO:
            break
        if owed <= ZERO:
            continue
        take = min(owed, remaining)
        parts.append(Part(period=period, component=component, amount=take))
        remaining -= take
    return Allocation(parts=tuple(parts), unapplied=remaining)
