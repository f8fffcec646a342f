"""What happens between the steps of an application that belong to different apps.

The pre-screen or the approval chain approves → a contract is generated (contracts) → the
customer signs → servicing books and disburses the loan (contracts hands over to loans).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from lendcrm.applications.models import Application
from lendcrm.core.errors import DomainError

log = logging.getLogger(__name__)


def on_approved(application: Application, *, acting_user: Any) -> None:
    """After the approval commits, generate the contract. Rendering and signing the PDF takes
    a moment, so it runs after the approval's transaction; if it fails, the application stays
    approved and staff generate the contract from the application page."""
    application_id = application.pk
    transaction.on_commit(lambda: generate_contract_for(application_id, acting_user=acting_user))


def generate_contract_for(application_id: int, *, acting_user: Any) -> None:
    from lendcrm.contracts.services import generate_contract

    application = Application.objects.select_related("customer", "product").get(pk=application_id)
    try:
        generate_contract(application, acting_user=acting_user)
    except DomainError as exc:
        log.warning("contract not generated for application %s: %s", application_id, exc.message)
