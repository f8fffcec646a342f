"""Every status change of a contract (合同), checked here.

generated → lender_signed (the lender's PAdES signature) → customer_signed (签约完成);
a contract not yet signed by the customer can be cancelled.
"""

from __future__ import annotations

from lendcrm.contracts.choices import ContractStatus as S
from lendcrm.contracts.models import Contract
from lendcrm.core.errors import Conflict

CONTRACT_TRANSITIONS: dict[str, frozenset[str]] = {
    S.GENERATED: frozenset({S.LENDER_SIGNED, S.CANCELLED}),
    S.LENDER_SIGNED: frozenset({S.CUSTOMER_SIGNED, S.CANCELLED}),
    S.CUSTOMER_SIGNED: frozenset(),
    S.CANCELLED: frozenset(),
}


def can_move(contract: Contract, to: S) -> bool:
    return to in CONTRACT_TRANSITIONS[contract.status]


def transition_contract(contract: Contract, *, to: S) -> Contract:
    """Set the status if the move is allowed; the caller saves inside its transaction."""
    if not can_move(contract, to):
        raise Conflict(
            f"contract {contract.contract_no} is {contract.status}: cannot become {to}",
            field="status",
        )
    contract.status = to
    return contract
