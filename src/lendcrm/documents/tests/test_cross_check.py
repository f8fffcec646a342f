"""Cross-check of card fields against the customer: pure, the application is a plain object."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from lendcrm.core.cn_ids import id_check_char
from lendcrm.documents.cross_check import cross_check
from lendcrm.documents.id_card import IdCardFields

FIRST17 = "11010519850307123"
NUMBER = FIRST17 + id_check_char(FIRST17)
TODAY = date(2026, 1, 1)


def _application(**customer: object) -> SimpleNamespace:
    values = {"name": "张伟华", "id_number": NUMBER, "birth_date": date(1985, 3, 7), "gender": "M"}
    return SimpleNamespace(customer=SimpleNamespace(**(values | customer)))


def _front(**values: object) -> IdCardFields:
    defaults: dict[str, object] = {
        "name": "张伟华", "sex": "男", "ethnicity": "汉", "birth_date": date(1985, 3, 7),
        "address": "北京市朝阳区建国路88号", "id_number": NUMBER,
    }  # fmt: skip
    return IdCardFields(side="front", **(defaults | values))  # type: ignore[arg-type]


def _codes(fields: IdCardFields, application: SimpleNamespace) -> list[str]:
    return [m.code for m in cross_check(fields, application, today=TODAY)]


def test_a_card_that_matches_the_customer_has_no_mismatch() -> None:
    assert _codes(_front(), _application()) == []


def test_a_different_name_is_flagged() -> None:
    assert _codes(_front(), _application(name="张伟")) == ["name_mismatch"]


def test_a_bad_check_digit_is_flagged_and_the_number_differs() -> None:
    wrong = FIRST17 + next(c for c in "0123456789X" if c != NUMBER[17])

    assert _codes(_front(id_number=wrong), _application()) == [
        "check_digit_invalid",
        "id_number_mismatch",
    ]


def test_birth_date_and_sex_are_checked_against_the_customer_and_the_number() -> None:
    codes = _codes(_front(birth_date=date(1985, 3, 8), sex="女"), _application())

    assert sorted(codes) == [
        "birth_date_mismatch",
        "birth_date_vs_number",
        "sex_mismatch",
        "sex_vs_number",
    ]


def test_an_unread_number_asks_for_a_manual_check() -> None:
    assert _codes(_front(id_number=""), _application()) == ["id_number_unread"]


def test_an_expired_card_is_flagged_and_a_long_term_one_is_not() -> None:
    expired = IdCardFields(
        side="back", issuing_authority="某公安局", valid_until=date(2025, 12, 31)
    )
    valid = IdCardFields(side="back", issuing_authority="某公安局", valid_until=date(2026, 1, 1))
    long_term = IdCardFields(side="back", issuing_authority="某公安局", valid_long_term=True)

    assert _codes(expired, _application()) == ["expired"]
    assert _codes(valid, _application()) == []
    assert _codes(long_term, _application()) == []
