"""Turning raw lead input (API body or spreadsheet row) into clean values: pure, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lendcrm.core.cn_ids import (
    IdNumberFacts,
    InvalidIdentifier,
    normalise_id_number,
    parse_id_number,
    validate_mobile,
)
from lendcrm.core.errors import FieldProblem

MAX_AMOUNT = Decimal("9999999999.99")
_TRUE_WORDS = frozenset({"1", "true", "yes", "y", "是", "已授权", "同意", "√"})
_FALSE_WORDS = frozenset({"", "0", "false", "no", "n", "否", "未授权", "不同意"})
_TEXT_LIMITS = {"name": 50, "city": 20, "purpose": 100, "campaign": 100}


@dataclass(frozen=True)
class LeadInput:
    """One lead as received; every value may be missing or malformed."""

    name: Any = None
    mobile: Any = None
    id_number: Any = None
    city: Any = None
    requested_amount: Any = None
    purpose: Any = None
    campaign: Any = None
    consent: Any = None
    consent_at: Any = None
    row: int | None = None  # the spreadsheet row number, for imports


@dataclass(frozen=True)
class CleanLead:
    name: str
    mobile: str
    id_number: str
    id_facts: IdNumberFacts | None
    city: str
    requested_amount: Decimal | None
    purpose: str
    campaign: str
    consent: bool
    consent_at: datetime | None
    row: int | None = None

    @property
    def region_code(self) -> str:
        return self.id_facts.region_code if self.id_facts else ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets hand phone numbers over as floats
    return str(value).strip()


def clean_lead(item: LeadInput, *, today: date, now: datetime) -> CleanLead | list[FieldProblem]:
    """The cleaned lead, or every problem found, each naming its field."""
    problems: list[FieldProblem] = []
    texts = {name: _text(getattr(item, name)) for name in _TEXT_LIMITS}
    for name, limit in _TEXT_LIMITS.items():
        if len(texts[name]) > limit:
            problems.append(FieldProblem(name, _("不能超过 %(n)d 个字符") % {"n": limit}))
    if not texts["name"]:
        problems.append(FieldProblem("name", _("姓名不能为空")))
    mobile = _clean_mobile(_text(item.mobile), problems)
    id_number, facts = _clean_id_number(_text(item.id_number), today, problems)
    amount = _clean_amount(item.requested_amount, problems)
    consent = _clean_consent(item.consent, problems)
    consent_at = _clean_consent_at(item.consent_at, problems)
    if problems:
        return problems
    return CleanLead(
        name=texts["name"],
        mobile=mobile,
        id_number=id_number,
        id_facts=facts,
        city=texts["city"],
        requested_amount=amount,
        purpose=texts["purpose"],
        campaign=texts["campaign"],
        consent=consent,
        consent_at=consent_at or (now if consent else None),
        row=item.row,
    )


def _clean_mobile(raw: str, problems: list[FieldProblem]) -> str:
    if not raw:
        problems.append(FieldProblem("mobile", _("手机号不能为空")))
        return ""
    try:
        return validate_mobile(raw)
    except InvalidIdentifier:
        problems.append(FieldProblem("mobile", _("手机号须为 1 开头的 11 位大陆手机号码")))
        return ""


_ID_MESSAGES = {
    "check digit": gettext_lazy("身份证号校验位错误"),
    "birth date": gettext_lazy("身份证号中的出生日期无效"),
    "region": gettext_lazy("身份证号地区码无效"),
}


def _clean_id_number(
    raw: str, today: date, problems: list[FieldProblem]
) -> tuple[str, IdNumberFacts | None]:
    if not raw:
        return "", None
    try:
        facts = parse_id_number(raw, on=today)
    except InvalidIdentifier as exc:
        message = next(
            (text for key, text in _ID_MESSAGES.items() if key in str(exc)),
            _("身份证号须为 18 位：17 位数字加 1 位数字或 X"),
        )
        problems.append(FieldProblem("id_number", str(message)))
        return "", None
    return normalise_id_number(raw), facts


def _clean_amount(value: Any, problems: list[FieldProblem]) -> Decimal | None:
    text = _text(value).replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        problems.append(FieldProblem("requested_amount", _("意向金额须为数字")))
        return None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        problems.append(FieldProblem("requested_amount", _("意向金额须大于 0 且不超过 100 亿")))
        return None
    return amount.quantize(Decimal("0.01"))


def _clean_consent(value: Any, problems: list[FieldProblem]) -> bool:
    if isinstance(value, bool):
        return value
    word = _text(value).lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    problems.append(FieldProblem("consent", _("授权标记须为 是/否")))
    return False


def _clean_consent_at(value: Any, problems: list[FieldProblem]) -> datetime | None:
    if value in (None, ""):
        return None
    moment: datetime
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(_text(value))
        except ValueError:
            problems.append(FieldProblem("consent_at", _("授权时间格式无效（ISO 8601）")))
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
