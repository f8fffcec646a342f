"""Converting a lead into a customer (线索转客户) without typing anything twice."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.cn_ids import InvalidIdentifier, parse_id_number, validate_mobile
from lendcrm.core.errors import DomainError, FieldProblem, PermissionDenied
from lendcrm.customers.choices import InteractionKind, TagSource
from lendcrm.customers.models import Customer, TagAssignment
from lendcrm.customers.regions import province_of_id_number
from lendcrm.customers.tags import apply_tag
from lendcrm.customers.timeline import record_interaction
from lendcrm.identity.roles import can
from lendcrm.privacy.masking import field_label

CONVERT_CAPABILITY = "customers.edit"

# Fields the conversion form may fill in besides what the lead already has.
EXTRA_FIELDS = (
    "province",
    "email",
    "marital_status",
    "education",
    "children",
    "address",
    "hukou_address",
    "housing",
    "employment_type",
    "employer",
    "employer_phone",
    "occupation",
    "position",
    "years_employed",
    "monthly_income",
)
CARRIED_FIELDS = ("name", "mobile", "id_number", "city")


@dataclass(frozen=True)
class ConversionDraft:
    """What the new customer would be, before the user confirms; identifiers stay in memory."""

    values: dict[str, Any]
    missing: tuple[str, ...]


def conversion_draft(lead: Any) -> ConversionDraft:
    """The lead's values carried over, plus the province derived from the ID number."""
    values: dict[str, Any] = {name: getattr(lead, name) or "" for name in CARRIED_FIELDS}
    values["province"] = province_of_id_number(values["id_number"])
    missing = tuple(name for name in ("id_number", "city", "province") if not values[name])
    return ConversionDraft(values=values, missing=missing)


def convert_lead_to_customer(
    lead: Any, *, acting_user: Any, extra: Mapping[str, Any] | None = None
) -> Customer:
    """The lead's customer: created from the lead's data (plus `extra`), or the existing one.

    Idempotent: a converted lead returns its customer. A person already stored as a customer
    (same ID number) is linked rather than duplicated. Audited as `lead.converted`.
    """
    if acting_user is not None and not can(acting_user, CONVERT_CAPABILITY):
        raise PermissionDenied(_("您的角色无权将线索转为客户"))
    extra = dict(extra or {})
    unknown = sorted(set(extra) - set(EXTRA_FIELDS) - set(CARRIED_FIELDS))
    if unknown:
        raise DomainError(_("不支持的字段：%(f)s") % {"f": ", ".join(unknown)}, field=unknown[0])
    lead_model = type(lead)
    with transaction.atomic():
        locked = lead_model.objects.select_for_update(of=("self",)).get(pk=lead.pk)
        if locked.customer_id is not None:
            return Customer.objects.get(pk=locked.customer_id)
        customer, linked = _customer_for(locked, extra)
        locked.customer = customer
        locked.save(update_fields=["customer", "updated_at"])
        _carry_tags(locked, customer)
        record_event(
            "lead.converted",
            actor=acting_user,
            target=locked,
            metadata={"customer_id": customer.pk, "linked_existing": linked},
        )
        record_interaction(
            kind=InteractionKind.CONVERSION,
            summary=_("线索转为客户 %(no)s") % {"no": customer.customer_no},
            lead=locked,
            customer=customer,
            actor=acting_user,
            ref=f"lead:{locked.pk}",
        )
    lead.customer = customer
    return customer


def _customer_for(lead: Any, extra: dict[str, Any]) -> tuple[Customer, bool]:
    draft = conversion_draft(lead)
    values = {**draft.values, **{k: v for k, v in extra.items() if v not in (None, "")}}
    problems, facts = _check_identity(values)
    customer = Customer(
        customer_no=f"C{clock.now():%y%m%d}L{lead.pk:09d}",
        name=str(values["name"]).strip(),
        id_number=str(values["id_number"]).strip().upper(),
        mobile=str(values["mobile"]).strip(),
        city=str(values["city"]).strip(),
        channel_id=lead.channel_id,
        campaign=lead.campaign,
        owner_id=lead.owner_id,
        team_id=lead.team_id,
        branch_id=lead.branch_id,
    )
    if facts is not None:
        customer.birth_date, customer.gender = facts.birth_date, facts.gender
        existing = Customer.objects.filter(id_number_index=_id_index(customer)).first()
        if existing is not None:
            return existing, True
    for name in EXTRA_FIELDS:
        if name in values:
            setattr(customer, name, values[name])
    problems += _field_problems(customer, skip={p.field for p in problems})
    if problems:
        raise DomainError(problems[0].message, problems=problems)
    customer.save()
    return customer, False


def _check_identity(values: dict[str, Any]) -> tuple[list[FieldProblem], Any]:
    problems: list[FieldProblem] = []
    facts = None
    if not str(values.get("name", "")).strip():
        problems.append(FieldProblem("name", _("姓名：必填")))
    try:
        facts = parse_id_number(str(values.get("id_number", "")))
    except InvalidIdentifier:
        problems.append(FieldProblem("id_number", _("身份证号：请填写有效的18位身份证号")))
    try:
        values["mobile"] = validate_mobile(str(values.get("mobile", "")))
    except InvalidIdentifier:
        problems.append(FieldProblem("mobile", _("手机号：请填写有效的11位手机号")))
    for name, label in (("city", _("城市")), ("province", _("省份"))):
        if not str(values.get(name, "")).strip():
            problems.append(FieldProblem(name, _("%(label)s：必填") % {"label": label}))
    return problems, facts


def _field_problems(customer: Customer, *, skip: set[str]) -> list[FieldProblem]:
    try:
        customer.full_clean(
            exclude=[
                "customer_no",
                "birth_date",
                "gender",
                *skip,
                "owner",
                "team",
                "branch",
                "channel",
            ]
        )
    except ValidationError as exc:
        return [
            FieldProblem(name, f"{field_label(Customer, name)}：{msgs[0]}")
            for name, msgs in exc.message_dict.items()
            if name in EXTRA_FIELDS or name in CARRIED_FIELDS
        ] or [FieldProblem("__all__", "; ".join(exc.messages))]
    return []


def _id_index(customer: Customer) -> str:
    field = Customer._meta.get_field("id_number_index")
    return str(field.pre_save(customer, add=True))


def _carry_tags(lead: Any, customer: Customer) -> None:
    for assignment in TagAssignment.objects.filter(
        lead=lead, removed_at__isnull=True
    ).select_related("tag"):
        source = TagSource.RULE if assignment.source == TagSource.RULE else TagSource.MANUAL
        apply_tag(name=assignment.tag.name, customer=customer, source=source, acting_user=None)
