"""Links to the customer's own application page (H5): signed, expiring, one customer each.

Staff send the link (SMS or the app); whoever opens it applies for that customer only. The
link carries the customer's id and the staff member who sent it, signed with the secret key,
and expires after LINK_DAYS; nothing else about the customer is in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core import signing

from lendcrm.audit.services import record_event
from lendcrm.core.errors import NotFound
from lendcrm.customers.models import Customer

LINK_DAYS = 7
_SALT = "lendcrm.applications.h5"


@dataclass(frozen=True)
class H5Invitation:
    customer: Customer
    sent_by_id: int | None


def make_link_token(customer: Customer, *, acting_user: Any) -> str:
    token = signing.dumps({"c": customer.pk, "u": getattr(acting_user, "pk", None)}, salt=_SALT)
    record_event("applications.h5_link_issued", actor=acting_user, target=customer)
    return token


def read_link_token(token: str) -> H5Invitation:
    """The invitation, or NotFound for a forged, altered or expired link."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=LINK_DAYS * 86400)
        customer = Customer.objects.get(pk=data["c"])
    except (signing.BadSignature, KeyError, TypeError, Customer.DoesNotExist) as exc:
        raise NotFound("link") from exc
    return H5Invitation(customer=customer, sent_by_id=data.get("u"))
