"""Scoped reads of contracts: a contract outside the caller's data scope is not found."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lendcrm.applications.models import Application
from lendcrm.contracts.models import Contract, SignatureRecord
from lendcrm.identity.scoping import get_scoped, scoped


def _contracts() -> QuerySet[Contract]:
    return Contract.objects.select_related(
        "application__customer", "application__product", "loan", "credit_line", "generated_by"
    )


def get_contract_for_user(user: Any, contract_id: Any) -> Contract:
    """The contract in the user's data scope (copied from its application); else NotFound."""
    return get_scoped(_contracts(), user, contract_id)


def find_contract_for_application(user: Any, application: Application) -> Contract | None:
    """The application's contract if there is one in the user's scope."""
    return scoped(_contracts(), user).filter(application=application).first()


def list_signatures(contract: Contract) -> list[SignatureRecord]:
    return list(contract.signatures.order_by("signed_at", "id"))
