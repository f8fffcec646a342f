"""Writes and audited operations on customers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lendcrm.core.errors import PermissionDenied
from lendcrm.customers.models import Customer
from lendcrm.customers.queries import CustomerFilters, filtered_customers
from lendcrm.customers.schemas import owner_name
from lendcrm.identity.roles import can
from lendcrm.privacy.exports import ExportColumn, ExportFile, export_csv
from lendcrm.privacy.masking import field_label
from lendcrm.privacy.services import RevealedValue, reveal_field

EXPORT_FIELDS = (
    "customer_no",
    "name",
    "gender",
    "province",
    "city",
    "mobile",
    "id_number",
    "address",
    "employment_type",
    "monthly_income",
    "created_at",
)


def _export_columns() -> list[ExportColumn]:
    columns = [ExportColumn(name, field_label(Customer, name)) for name in EXPORT_FIELDS]
    columns.append(
        ExportColumn("owner", gettext_lazy("客户经理"), compute=lambda c: owner_name(c.owner))
    )
    return columns


def reveal_customer_field(
    *, user: Any, customer: Customer, field: str, reason: str
) -> RevealedValue:
    """Show one identifier unmasked for five minutes; audited as customer.revealed/_denied."""
    return reveal_field(user=user, instance=customer, field=field, reason=reason)


def export_customers(*, user: Any, filters: CustomerFilters) -> ExportFile:
    """CSV of the user's scoped, filtered customer list; audited as customers.exported."""
    if not can(user, "customers.view"):
        raise PermissionDenied(_("您的角色无权查看客户，不能导出客户清单"))
    return export_csv(
        user=user,
        queryset=filtered_customers(user, filters),
        columns=_export_columns(),
        action="customers.exported",
        filters=filters.for_audit(),
        filename_stem="customers",
    )
