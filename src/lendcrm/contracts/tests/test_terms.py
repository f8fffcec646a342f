"""The terms snapshot and the template markup: pure, no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lendcrm.contracts.rendering import parse_blocks, render_body
from lendcrm.contracts.terms import (
    ApprovedTerms,
    Parties,
    amount_in_words,
    build_terms,
    percent,
)
from lendcrm.loans.choices import ProductKind, RepaymentMethod
from lendcrm.loans.models import Product


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("50000.00", "伍万元整"),
        ("105000.50", "壹拾万伍仟元伍角"),
        ("1001.05", "壹仟零壹元零伍分"),
        ("200000000.00", "贰亿元整"),
        ("10086.00", "壹万零捌拾陆元整"),
        ("0.30", "零元叁角"),
    ],
)
def test_amount_in_words(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


def test_percent() -> None:
    assert percent(Decimal("0.1234")) == "12.34%"
    assert percent(Decimal("0.001"), 4) == "0.1000%"


def _product(**extra: object) -> Product:
    values: dict[str, object] = {
        "code": "P",
        "name": "薪享贷",
        "kind": ProductKind.SINGLE_LOAN,
        "min_amount": Decimal("1000"),
        "max_amount": Decimal("200000"),
        "min_rate": Decimal("0.05"),
        "max_rate": Decimal("0.24"),
    }
    values.update(extra)
    return Product(**values)


def _terms(product: Product) -> dict[str, object]:
    return build_terms(
        contract_no="HT1",
        application_no="A1",
        parties=Parties("甲公司", "张三", "110105199001011237", "C1"),
        product=product,
        approved=ApprovedTerms(
            Decimal("50000.00"), Decimal("0.1200"), 12, RepaymentMethod.EQUAL_INSTALLMENT
        ),
        purpose="",
        start=date(2025, 1, 15),
    )


def test_terms_disclose_the_irr_including_fees() -> None:
    without_fees = _terms(_product())
    with_fees = _terms(_product(fee_rate_per_period=Decimal("0.001")))

    assert without_fees["loan"]["apr"] == "12.00%"  # type: ignore[index]
    assert with_fees["loan"]["apr"] > "12.00%"  # type: ignore[index,operator]
    assert with_fees["fees"]["per_period"] == "50.00"  # type: ignore[index]
    assert with_fees["borrower"]["id_number_masked"] == "110105********1237"  # type: ignore[index]
    assert len(with_fees["schedule"]) == 12  # type: ignore[arg-type]


def test_penalty_terms_follow_the_product() -> None:
    multiplied = _terms(_product(penalty_rate_multiplier=Decimal("1.50"), grace_days=3))
    fixed = _terms(_product(penalty_annual_rate=Decimal("0.2400")))

    assert multiplied["penalty"] == {  # type: ignore[comparison-overlap]
        "annual_rate": "18.00%",
        "multiplier": "1.50",
        "is_fixed_rate": False,
        "grace_days": 3,
    }
    assert fixed["penalty"]["annual_rate"] == "24.00%"  # type: ignore[index]


def test_markup_becomes_blocks() -> None:
    text = render_body(
        "# 标题\n## 一、双方\n{{ a }}\n\n| 期数 | 金额 |\n{% for r in rows %}| {{ r }} | 1 |\n{% endfor %}---page---\n",
        {"a": "甲 & 乙", "rows": [1, 2]},
    )
    kinds = [(b.kind, b.text) for b in parse_blocks(text)]

    assert kinds == [
        ("heading", "标题"),
        ("subheading", "一、双方"),
        ("paragraph", "甲 & 乙"),  # not HTML-escaped
        ("space", ""),
        ("table", ""),
        ("page", ""),
    ]
    assert parse_blocks(text)[4].rows == [["期数", "金额"], ["1", "1"], ["2", "1"]]
