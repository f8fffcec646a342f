from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.contracts.models import Contract
from lendcrm.contracts.services import generate_contract
from lendcrm.customers.tests.factories import CustomerFactory
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.identity.tests.factories import TeamFactory, UserFactory
from lendcrm.integrations.payments.fake import FakePaymentGateway
from lendcrm.loans.choices import ProductKind, RepaymentMethod
from lendcrm.loans.models import Product
from lendcrm.reporting.tests.factories import ApplicationFactory, ProductFactory


@pytest.fixture(scope="session")
def keys_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory without any certificate: signing must create the development one."""
    return tmp_path_factory.mktemp("contract-data")


@pytest.fixture(autouse=True)
def _isolated_files(settings: Any, keys_root: Path, tmp_path: Path, monkeypatch: Any) -> None:
    for variable in ("LENDCRM_SIGNING_CERT", "LENDCRM_SIGNING_KEY", "LENDCRM_SIGNING_KEY_PASSWORD"):
        monkeypatch.delenv(variable, raising=False)
    settings.DATA_DIR = keys_root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture(autouse=True)
def _fresh_payment_simulator() -> Iterator[None]:
    FakePaymentGateway.reset()
    yield
    FakePaymentGateway.reset()


@dataclass
class Org:
    rep: User  # owns the customer and the application
    supervisor: User  # review supervisor: contracts.manage, branch scope
    other_branch_supervisor: User


@pytest.fixture
def org(db: None) -> Org:
    team = TeamFactory()
    return Org(
        rep=UserFactory(team=team, roles=[Role.SALES]),
        supervisor=UserFactory(team=team, roles=[Role.REVIEW_SUPERVISOR]),
        other_branch_supervisor=UserFactory(team=TeamFactory(), roles=[Role.REVIEW_SUPERVISOR]),
    )


@pytest.fixture
def product(db: None) -> Product:
    return ProductFactory(
        code="CASH-CT",
        name="薪享贷",
        fee_rate_per_period=Decimal("0.001"),
        grace_days=3,
        prepayment_after_periods=3,
        prepayment_fee_rate=Decimal("0.02"),
    )


@pytest.fixture
def make_application(org: Org, product: Product) -> Callable[..., Application]:
    def make(status: str = ApplicationStatus.APPROVED, **extra: Any) -> Application:
        customer = CustomerFactory(owner=org.rep, name="张三丰")
        values: dict[str, Any] = {
            "customer": customer,
            "product": product,
            "amount": Decimal("60000.00"),
            "term": 12,
            "repayment_method": RepaymentMethod.EQUAL_INSTALLMENT,
            "status": status,
            "approved_amount": Decimal("50000.00"),
            "approved_rate": Decimal("0.1200"),
            "approved_term": 12,
            "approved_method": RepaymentMethod.EQUAL_INSTALLMENT,
            "purpose": "装修",
        }
        values.update(extra)
        application: Application = ApplicationFactory(**values)
        return application

    return make


@pytest.fixture
def contract(make_application: Callable[..., Application], org: Org) -> Contract:
    return generate_contract(make_application(), acting_user=org.supervisor)


@pytest.fixture
def revolving_product(db: None) -> Product:
    return ProductFactory(code="LINE-CT", name="随借随还", kind=ProductKind.REVOLVING)
