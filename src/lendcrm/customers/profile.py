"""Writes to the customer profile (客户档案): contacts, bureau reports, third-party scores,
real estate and vehicles. Each checks customers.edit and is audited in its transaction."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from lendcrm.audit.services import record_change, record_event
from lendcrm.core import clock
from lendcrm.core.cn_ids import InvalidIdentifier, validate_mobile
from lendcrm.core.errors import DomainError, FieldProblem, PermissionDenied
from lendcrm.core.masking import mask_mobile
from lendcrm.customers.choices import ContactKind, ContactRelation, InteractionKind
from lendcrm.customers.models import (
    BureauReport,
    Customer,
    CustomerContact,
    RealEstate,
    ThirdPartyScore,
    Vehicle,
)
from lendcrm.customers.timeline import record_interaction
from lendcrm.identity.roles import can
from lendcrm.privacy.masking import field_label

EDIT_CAPABILITY = "customers.edit"
MAX_REPORT_BYTES = 10 * 1024 * 1024
# The first bytes of each accepted file type; the name and the browser's type are not trusted.
REPORT_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
SUMMARY_FIELDS = (
    "report_date",
    "overdue_count_24m",
    "current_overdue_count",
    "current_overdue_amount",
    "inquiries_1m",
    "inquiries_3m",
    "inquiries_6m",
    "card_count",
    "card_limit",
    "card_used",
    "loan_count",
    "loan_balance",
)


def check_can_edit(user: Any) -> None:
    if user is not None and not can(user, EDIT_CAPABILITY):
        raise PermissionDenied(_("您的角色无权修改客户档案"))


def sniff_report_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, JPEG or PNG judged by its magic bytes, else None."""
    for signature, content_type, extension in REPORT_SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def upload_bureau_report(
    customer: Customer,
    *,
    upload: IO[bytes],
    summary: Mapping[str, Any],
    acting_user: Any,
) -> BureauReport:
    """Store the report file (PDF/JPEG/PNG up to 10 MB) with its structured summary; audited."""
    check_can_edit(acting_user)
    content = upload.read(MAX_REPORT_BYTES + 1)
    if not content:
        raise DomainError(_("报告文件：请选择要上传的文件"), field="file")
    if len(content) > MAX_REPORT_BYTES:
        raise DomainError(_("报告文件：文件不能超过 10 MB"), field="file")
    sniffed = sniff_report_type(content[:16])
    if sniffed is None:
        raise DomainError(_("报告文件：只接受 PDF、JPEG 或 PNG 文件"), field="file")
    content_type, extension = sniffed
    report = BureauReport(
        customer=customer,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    for name in SUMMARY_FIELDS:
        value = summary.get(name)
        if value not in (None, ""):
            setattr(report, name, value)
    _validate(report, exclude=["file", "customer", "uploaded_by", "sha256"])
    with transaction.atomic():
        report.file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(content), save=False)
        report.save()
        record_event(
            "customer.bureau_report_uploaded",
            actor=acting_user,
            target=customer,
            metadata={"report_id": report.pk, "content_type": content_type, "size": len(content)},
        )
        record_interaction(
            kind=InteractionKind.NOTE,
            summary=_("上传征信报告（报告日期 %(d)s）") % {"d": report.report_date},
            customer=customer,
            actor=acting_user,
            ref=f"bureau_report:{report.pk}",
        )
    return report


def add_contact(
    customer: Customer,
    *,
    kind: str,
    mobile: str,
    name: str = "",
    relation: str = ContactRelation.SELF,
    note: str = "",
    acting_user: Any,
) -> CustomerContact:
    """Another mobile of the customer or an emergency contact; the number is stored encrypted."""
    check_can_edit(acting_user)
    try:
        number = validate_mobile(mobile)
    except InvalidIdentifier as exc:
        raise DomainError(_("手机号：请填写有效的11位手机号"), field="mobile") from exc
    if kind == ContactKind.EMERGENCY and not name.strip():
        raise DomainError(_("联系人姓名：紧急联系人必须填写姓名"), field="name")
    contact = CustomerContact(
        customer=customer,
        kind=kind,
        mobile=number,
        name=name.strip(),
        relation=relation,
        note=note.strip(),
    )
    _validate(contact, exclude=["customer", "mobile_index"])
    with transaction.atomic():
        contact.save()
        record_event(
            "customer.contact_added",
            actor=acting_user,
            target=customer,
            metadata={"contact_id": contact.pk, "kind": kind, "mobile": mask_mobile(number)},
        )
    return contact


# Third-party scores: every provider we know of scores within 0–1000 (百行 300–1000, 芝麻 350–950).
MIN_SCORE, MAX_SCORE = 0, 1000
REAL_ESTATE_FIELDS = ("kind", "city", "area_sqm", "value", "mortgage_balance", "monthly_payment")
VEHICLE_FIELDS = ("brand", "model_name", "purchase_year", "purchase_price", "loan_balance")
SCORE_FIELDS = ("provider", "score", "as_of")
_MONEY_FIELDS = {
    RealEstate: ("area_sqm", "value", "mortgage_balance", "monthly_payment"),
    Vehicle: ("purchase_price", "loan_balance"),
}
CENT = Decimal("0.01")
_Item = TypeVar("_Item", RealEstate, Vehicle, ThirdPartyScore)
_DEFAULTS: dict[str, Any] = {
    "area_sqm": None,
    "value": Decimal("0"),
    "mortgage_balance": Decimal("0"),
    "monthly_payment": Decimal("0"),
    "purchase_price": Decimal("0"),
    "loan_balance": Decimal("0"),
    "purchase_year": None,
}


def record_third_party_score(
    customer: Customer, *, provider: str, score: int, as_of: date, acting_user: Any
) -> ThirdPartyScore:
    """One provider's score on a date; recording the same provider and date again updates it."""
    check_can_edit(acting_user)
    provider = _check_score(provider=provider, score=score, as_of=as_of)
    with transaction.atomic():
        stored, _created = ThirdPartyScore.objects.update_or_create(
            customer=customer, provider=provider, as_of=as_of, defaults={"score": score}
        )
        record_event(
            "customer.score_recorded",
            actor=acting_user,
            target=customer,
            metadata={"provider": stored.provider, "score": score, "as_of": as_of.isoformat()},
        )
    return stored


def update_third_party_score(
    stored: ThirdPartyScore, *, provider: str, score: int, as_of: date, acting_user: Any
) -> ThirdPartyScore:
    """Correct a recorded score; audited with the values before and after."""
    check_can_edit(acting_user)
    provider = _check_score(provider=provider, score=score, as_of=as_of)
    taken = ThirdPartyScore.objects.filter(
        customer_id=stored.customer_id, provider=provider, as_of=as_of
    ).exclude(pk=stored.pk)
    if taken.exists():
        raise DomainError(_("评分日期：该数据源在这一天已有评分"), field="as_of")
    return _update(
        stored,
        {"provider": provider, "score": score, "as_of": as_of},
        fields=SCORE_FIELDS,
        action="customer.score_changed",
        acting_user=acting_user,
    )


def remove_third_party_score(stored: ThirdPartyScore, *, acting_user: Any) -> None:
    _remove(stored, fields=SCORE_FIELDS, action="customer.score_removed", acting_user=acting_user)


def _check_score(*, provider: str, score: int, as_of: date) -> str:
    provider = provider.strip()
    if not provider:
        raise DomainError(_("数据源：必填"), field="provider")
    if not MIN_SCORE <= score <= MAX_SCORE:
        raise DomainError(
            _("分数：应在 %(low)s 到 %(high)s 之间") % {"low": MIN_SCORE, "high": MAX_SCORE},
            field="score",
        )
    if as_of > clock.today():
        raise DomainError(_("评分日期：不能晚于今天"), field="as_of")
    return provider


def add_real_estate(customer: Customer, *, acting_user: Any, **values: Any) -> RealEstate:
    """A property of the customer (房产): type, value, mortgage; audited."""
    return _add(
        RealEstate(customer=customer),
        values,
        fields=REAL_ESTATE_FIELDS,
        action="customer.real_estate_added",
        acting_user=acting_user,
    )


def update_real_estate(estate: RealEstate, *, acting_user: Any, **values: Any) -> RealEstate:
    return _update(
        estate,
        values,
        fields=REAL_ESTATE_FIELDS,
        action="customer.real_estate_changed",
        acting_user=acting_user,
    )


def remove_real_estate(estate: RealEstate, *, acting_user: Any) -> None:
    _remove(
        estate,
        fields=REAL_ESTATE_FIELDS,
        action="customer.real_estate_removed",
        acting_user=acting_user,
    )


def add_vehicle(customer: Customer, *, acting_user: Any, **values: Any) -> Vehicle:
    """A car of the customer (车辆): brand, purchase price, car loan; audited."""
    return _add(
        Vehicle(customer=customer),
        values,
        fields=VEHICLE_FIELDS,
        action="customer.vehicle_added",
        acting_user=acting_user,
    )


def update_vehicle(vehicle: Vehicle, *, acting_user: Any, **values: Any) -> Vehicle:
    return _update(
        vehicle,
        values,
        fields=VEHICLE_FIELDS,
        action="customer.vehicle_changed",
        acting_user=acting_user,
    )


def remove_vehicle(vehicle: Vehicle, *, acting_user: Any) -> None:
    _remove(
        vehicle, fields=VEHICLE_FIELDS, action="customer.vehicle_removed", acting_user=acting_user
    )


def _assign(item: Any, values: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        value = values.get(name)
        if value is None or value == "":
            value = _DEFAULTS.get(name, "")
        if isinstance(value, str):
            value = value.strip()
        setattr(item, name, value)
    for name in _MONEY_FIELDS.get(type(item), ()):
        value = getattr(item, name)
        if value is None:
            continue
        try:
            amount = Decimal(str(value)).quantize(CENT)
        except InvalidOperation as exc:
            raise DomainError(
                _("%(label)s：请填写金额") % {"label": field_label(type(item), name)}, field=name
            ) from exc
        if amount < 0:
            raise DomainError(
                _("%(label)s：不能为负数") % {"label": field_label(type(item), name)}, field=name
            )
        setattr(item, name, amount)
    year = getattr(item, "purchase_year", None)
    if year is not None and not 1950 <= int(year) <= clock.today().year + 1:
        raise DomainError(_("购置年份：请填写有效的年份"), field="purchase_year")


def _snapshot(item: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(item, name) for name in fields}


def _metadata(item: Any, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    shown: dict[str, Any] = {"item_id": item.pk, "kind": type(item)._meta.model_name}
    if values is not None:
        shown.update(values)
    return shown


def _add(
    item: _Item,
    values: Mapping[str, Any],
    *,
    fields: tuple[str, ...],
    action: str,
    acting_user: Any,
) -> _Item:
    check_can_edit(acting_user)
    _assign(item, values, fields)
    _validate(item, exclude=["customer"])
    with transaction.atomic():
        item.save()
        record_event(
            action,
            actor=acting_user,
            target=item.customer,
            metadata=_metadata(item, _snapshot(item, fields)),
        )
    return item


def _update(
    item: _Item,
    values: Mapping[str, Any],
    *,
    fields: tuple[str, ...],
    action: str,
    acting_user: Any,
) -> _Item:
    check_can_edit(acting_user)
    before = _snapshot(item, fields)
    _assign(item, values, fields)
    _validate(item, exclude=["customer"])
    with transaction.atomic():
        item.save()
        record_change(
            action,
            actor=acting_user,
            target=item.customer,
            before=before,
            after=_snapshot(item, fields),
            metadata=_metadata(item),
        )
    return item


def _remove(item: Any, *, fields: tuple[str, ...], action: str, acting_user: Any) -> None:
    check_can_edit(acting_user)
    metadata = _metadata(item, _snapshot(item, fields))
    customer = item.customer
    with transaction.atomic():
        item.delete()
        record_event(action, actor=acting_user, target=customer, metadata=metadata)


def _validate(instance: Any, *, exclude: list[str]) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        problems = [
            FieldProblem(name, f"{field_label(type(instance), name)}：{messages[0]}")
            for name, messages in exc.message_dict.items()
        ]
        raise DomainError(problems[0].message, problems=problems) from exc
