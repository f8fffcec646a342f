"""Cross-check of what an ID card says against the application's customer (核验).

Pure apart from reading the customer's attributes. Each disagreement is a Mismatch for the
reviewer; messages name the rule and never contain the raw identifiers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from lendcrm.core.cn_ids import id_check_char, normalise_id_number
from lendcrm.documents.id_card import IdCardFields

_SEX_TO_GENDER = {"男": "M", "女": "F"}


@dataclass(frozen=True)
class Mismatch:
    field: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def cross_check(
    fields: IdCardFields, application: Any, *, today: date | None = None
) -> list[Mismatch]:
    """The disagreements between the card and the customer, plus the card's own defects."""
    customer = application.customer
    if fields.side == "back":
        return _check_expiry(fields, today or date.today())
    found: list[Mismatch] = []
    if fields.name and fields.name != customer.name:
        found.append(Mismatch("name", "name_mismatch", _("姓名与客户资料不一致")))
    found += _check_id_number(fields, normalise_id_number(customer.id_number or ""))
    if fields.birth_date and fields.birth_date != customer.birth_date:
        found.append(Mismatch("birth_date", "birth_date_mismatch", _("出生日期与客户资料不一致")))
    sex = _SEX_TO_GENDER.get(fields.sex)
    if sex and sex != customer.gender:
        found.append(Mismatch("sex", "sex_mismatch", _("性别与客户资料不一致")))
    return found


def _check_id_number(fields: IdCardFields, expected: str) -> list[Mismatch]:
    number = fields.id_number
    if not number:
        return [Mismatch("id_number", "id_number_unread", _("未能识别身份证号码，请人工核对"))]
    found: list[Mismatch] = []
    if id_check_char(number[:17]) != number[17]:
        found.append(
            Mismatch("id_number", "check_digit_invalid", _("身份证号码校验位错误（GB 11643）"))
        )
    if expected and number != expected:
        found.append(Mismatch("id_number", "id_number_mismatch", _("身份证号码与客户资料不一致")))
    found += _check_inside_number(fields, number)
    return found


def _check_inside_number(fields: IdCardFields, number: str) -> list[Mismatch]:
    """Birth date and sex printed on the card must match those encoded in its number."""
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return [Mismatch("id_number", "birth_date_invalid", _("身份证号码中的出生日期无效"))]
    found: list[Mismatch] = []
    if fields.birth_date and fields.birth_date != birth:
        found.append(Mismatch("birth_date", "birth_date_vs_number", _("出生日期与身份证号码不符")))
    sex = "M" if int(number[16]) % 2 else "F"
    if fields.sex and _SEX_TO_GENDER.get(fields.sex) != sex:
        found.append(Mismatch("sex", "sex_vs_number", _("性别与身份证号码不符")))
    return found


def _check_expiry(fields: IdCardFields, today: date) -> list[Mismatch]:
    if fields.valid_long_term:
        return []
    if fields.valid_until is None:
        return [Mismatch("valid_until", "validity_unread", _("未能识别有效期限，请人工核对"))]
    if fields.valid_until < today:
        return [Mismatch("valid_until", "expired", _("身份证已过期"))]
    return []
