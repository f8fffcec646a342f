from __future__ import annotations

import csv
import io

import pytest
from django.utils.translation import gettext_lazy as _

from lendcrm.audit.models import AuditEvent
from lendcrm.core.errors import DomainError
from lendcrm.customers.models import Customer
from lendcrm.customers.tests.factories import CustomerFactory, UserFactory
from lendcrm.identity.choices import Role
from lendcrm.privacy.exports import ExportColumn, cell, csv_response, export_csv

pytestmark = pytest.mark.django_db

COLUMNS = [
    ExportColumn("name", _("姓名")),
    ExportColumn("gender", _("性别")),
    ExportColumn("mobile", _("手机号")),
    ExportColumn("monthly_income", _("月收入")),
    ExportColumn("initial", "initial", compute=lambda c: c.name[:1]),
]


def _rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _export(user: object) -> tuple[list[list[str]], AuditEvent]:
    result = export_csv(
        user=user,
        queryset=Customer.objects.order_by("pk"),
        columns=COLUMNS,
        action="customers.exported",
        filters={"city": "北京市"},
        filename_stem="customers",
    )
    assert result.filename.startswith("customers-")
    assert result.filename.endswith(".csv")
    return _rows(result.content), AuditEvent.objects.get(action="customers.exported")


def test_export_is_masked_for_a_user_who_may_not_reveal() -> None:
    auditor = UserFactory(roles=[Role.AUDITOR, Role.QA])
    CustomerFactory(name="王芳", gender="F", mobile="13812345678", monthly_income="8500.50")

    rows, event = _export(auditor)

    assert rows == [
        ["姓名", "性别", "手机号", "月收入", "initial"],
        ["王芳", "女", "138****5678", "8500.50", "王"],
    ]
    assert event.metadata == {"row_count": 1, "filters": {"city": "北京市"}, "unmasked": False}
    assert event.actor == auditor


def test_export_is_unmasked_for_a_revealer_and_the_audit_says_so() -> None:
    manager = UserFactory(roles=[Role.SALES_MANAGER])
    CustomerFactory.create_batch(3)
    CustomerFactory(mobile="13812345678")

    rows, event = _export(manager)

    assert rows[-1][2] == "13812345678"
    assert event.metadata["unmasked"] is True
    assert event.metadata["row_count"] == 4


def test_an_export_over_the_limit_is_refused_before_anything_is_written() -> None:
    manager = UserFactory(roles=[Role.SALES_MANAGER])
    CustomerFactory.create_batch(3)

    with pytest.raises(DomainError) as caught:
        export_csv(
            user=manager,
            queryset=Customer.objects.all(),
            columns=COLUMNS,
            action="customers.exported",
            filters={},
            filename_stem="customers",
            max_rows=2,
        )

    assert caught.value.problems[0].field == "filters"
    assert not AuditEvent.objects.filter(action="customers.exported").exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("张三", "张三"),
        (None, ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_quoted(value: object, expected: str) -> None:
    assert cell(value) == expected


def test_the_response_is_an_uncached_attachment() -> None:
    manager = UserFactory(roles=[Role.SALES_MANAGER])
    result = export_csv(
        user=manager,
        queryset=Customer.objects.none(),
        columns=COLUMNS,
        action="customers.exported",
        filters={},
        filename_stem="customers",
    )

    response = csv_response(result)

    assert response["Content-Disposition"] == f'attachment; filename="{result.filename}"'
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
