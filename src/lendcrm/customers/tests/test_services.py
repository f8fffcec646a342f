from __future__ import annotations

import csv
import io

import pytest

from lendcrm.audit.models import AuditEvent
from lendcrm.core.errors import PermissionDenied
from lendcrm.customers.queries import CustomerFilters
from lendcrm.customers.services import export_customers, reveal_customer_field
from lendcrm.customers.tests.conftest import Org
from lendcrm.customers.tests.factories import CustomerFactory, UserFactory
from lendcrm.identity.choices import Role


def _names(content: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return sorted(row[1] for row in rows[1:])


def test_an_export_holds_only_the_scoped_filtered_list(org: Org) -> None:
    CustomerFactory(owner=org.sales, name="王一", city="北京市")
    CustomerFactory(owner=org.teammate, name="王二", city="北京市")
    CustomerFactory(owner=org.teammate, name="王三", city="天津市")
    CustomerFactory(owner=org.other_branch_sales, name="王四", city="北京市")

    result = export_customers(user=org.manager, filters=CustomerFilters(name="王", city="北京市"))

    assert _names(result.content) == ["王一", "王二"]
    assert result.row_count == 2
    event = AuditEvent.objects.get(action="customers.exported")
    assert event.actor == org.manager
    assert event.metadata["filters"] == {"name": "王", "city": "北京市"}


def test_the_export_header_names_columns_in_chinese(org: Org) -> None:
    result = export_customers(user=org.manager, filters=CustomerFilters())

    header = next(csv.reader(io.StringIO(result.content.decode("utf-8-sig"))))
    assert header[:3] == ["客户编号", "姓名", "性别"]
    assert header[-1] == "客户经理"


def test_a_role_that_cannot_view_customers_cannot_export_them(org: Org) -> None:
    auditor = UserFactory(roles=[Role.AUDITOR])

    with pytest.raises(PermissionDenied):
        export_customers(user=auditor, filters=CustomerFilters())

    assert not AuditEvent.objects.filter(action="customers.exported").exists()


def test_reveal_customer_field_audits_as_customer_revealed(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales, mobile="13812345678")

    revealed = reveal_customer_field(
        user=org.sales, customer=customer, field="mobile", reason="回访确认号码"
    )

    assert revealed.value == "13812345678"
    event = AuditEvent.objects.get(action="customer.revealed")
    assert event.object_id == str(customer.pk)
