"""Fixtures of the reviews tests: a branch with reviewers at each level, and applications
in manual review with a customer, contacts, a bureau report and a decision record."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.core import clock
from lendcrm.customers.choices import ContactKind, ContactRelation
from lendcrm.customers.models import BureauReport, Customer, CustomerContact
from lendcrm.customers.tests.factories import (
    BranchFactory,
    CustomerFactory,
    TeamFactory,
    UserFactory,
    valid_mobile,
)
from lendcrm.decisions.choices import DecisionArm
from lendcrm.decisions.models import DecisionRecord, Strategy, StrategyVersion
from lendcrm.decisions.seeding import load_data
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.reporting.tests.factories import ApplicationFactory, ProductFactory
from lendcrm.reviews.models import ReviewRule

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


@dataclass
class Org:
    reviewer: User
    reviewer2: User
    supervisor: User
    director: User
    sales: User  # owns the applications
    outsider: User  # a reviewer of another branch


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """frozen(at) sets the clock that every service reads."""

    def freeze(at: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: at)

    freeze(T0)
    return freeze


@pytest.fixture
def org(db: None) -> Org:
    branch = BranchFactory()
    review_team = TeamFactory(parent=branch)
    sales_team = TeamFactory(parent=branch)
    other_team = TeamFactory()
    return Org(
        reviewer=UserFactory(team=review_team, roles=[Role.REVIEWER]),
        reviewer2=UserFactory(team=review_team, roles=[Role.REVIEWER]),
        supervisor=UserFactory(team=review_team, roles=[Role.REVIEW_SUPERVISOR]),
        director=UserFactory(team=other_team, roles=[Role.REVIEW_DIRECTOR]),
        sales=UserFactory(team=sales_team, roles=[Role.SALES]),
        outsider=UserFactory(team=other_team, roles=[Role.REVIEWER]),
    )


@pytest.fixture
def no_default_rule(db: None) -> None:
    ReviewRule.objects.all().delete()


@pytest.fixture
def make_application(org: Org) -> Callable[..., Application]:
    def make(**values: Any) -> Application:
        values.setdefault("customer", CustomerFactory(owner=org.sales))
        values.setdefault("product", ProductFactory())
        values.setdefault("status", ApplicationStatus.MANUAL_REVIEW)
        values.setdefault("risk_grade", "B")
        return ApplicationFactory(**values)

    return make


def add_contacts(customer: Customer) -> list[CustomerContact]:
    return [
        CustomerContact.objects.create(
            customer=customer,
            kind=ContactKind.EMERGENCY,
            name=name,
            relation=relation,
            mobile=valid_mobile(900 + n),
        )
        for n, (name, relation) in enumerate(
            [("王芳", ContactRelation.SPOUSE), ("李强", ContactRelation.COLLEAGUE)]
        )
    ]


def add_bureau_report(customer: Customer) -> BureauReport:
    report = BureauReport(
        customer=customer,
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        report_date=date(2026, 2, 20),
        overdue_count_24m=2,
        inquiries_1m=3,
        card_count=4,
        card_limit=Decimal("80000"),
    )
    report.file.save("report.pdf", ContentFile(b"%PDF-1.4"), save=False)
    report.save()
    return report


def add_decision_record(application: Application, author: User) -> DecisionRecord:
    strategy = Strategy.objects.create(code="rv-prescreen", name="预筛", created_by=author)
    version = StrategyVersion.objects.create(
        strategy=strategy, number=1, definition=load_data("default_strategy.json"), author=author
    )
    output = {
        "outcome": "manual_review",
        "rule_results": [
            {"step": "hard_rules", "rule_id": "HR01", "hit": False, "outputs": {}},
            {
                "step": "hard_rules",
                "rule_id": "HR07",
                "hit": True,
                "outputs": {"reason_code": "R_MULTI_LENDING", "action": "review"},
            },
        ],
        "score": 612,
        "score_points": {"age": 35, "monthly_income": 48, "ml_applications_6m": -12},
        "score_reason_codes": ["S_ML_6M"],
        "reason_codes": ["R_MULTI_LENDING", "S_ML_6M"],
        "limit": None,
        "pricing_tier": "B",
        "features": {},
    }
    return DecisionRecord.objects.create(
        application=application,
        subject_key="subject-1",
        strategy_version=version,
        arm=DecisionArm.CHAMPION,
        outcome="manual_review",
        rule_results=output["rule_results"],
        score=output["score"],
        score_points=output["score_points"],
        reason_codes=output["reason_codes"],
        pricing_tier="B",
        input_snapshot={
            "inputs": {"age": 34, "ml_applications_7d": 2, "ml_platforms_6m": 7},
            "identifiers": {"id_number": "idx"},
            "sources": {"multilending": "fake-multilending"},
        },
        output=output,
        owner_id=application.owner_id,
        team_id=application.team_id,
        branch_id=application.branch_id,
    )


def add_documents(application: Application, uploader: User) -> list[Any]:
    """An ID card front read by OCR and an income proof (the documents app's model)."""
    from lendcrm.documents.models import ApplicationDocument

    customer = application.customer
    read = json.dumps(
        {
            "side": "front",
            "name": customer.name,
            "sex": "男",
            "ethnicity": "汉",
            "birth_date": customer.birth_date.isoformat(),
            "address": "北京市朝阳区建国路1号",
            "id_number": customer.id_number,
        },
        ensure_ascii=False,
    )
    documents = []
    for kind, extra in (
        ("id_front", {"ocr_status": "ok", "ocr_data": read, "width": 856, "height": 540}),
        ("income_proof", {}),
    ):
        document = ApplicationDocument(
            application=application,
            kind=kind,
            original_name=f"{kind}.png",
            content_type="image/png",
            size=4,
            sha256="1" * 64,
            uploaded_by=uploader,
            owner_id=application.owner_id,
            team_id=application.team_id,
            branch_id=application.branch_id,
            **extra,
        )
        document.file.save(f"{kind}.png", ContentFile(b"\x89PNG"), save=False)
        document.save()
        documents.append(document)
    return documents
