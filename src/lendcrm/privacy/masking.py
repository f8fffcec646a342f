"""The masking policy: which fields of which model are personal data, and how each is masked.

Everything shown to a person — list, detail page, API response, export — is built by
`display_dict()`, which masks every sensitive field unless the viewer holds a valid reveal
grant for that (user, record, field), or the caller asks for an audited unmasked export.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise

from lendcrm.core.masking import mask_address, mask_id_number, mask_identifier, mask_mobile
from lendcrm.identity.roles import can
from lendcrm.privacy.queries import GrantKey, active_grant_expiries

Masker = Callable[[str | None], str]


def mask_entirely(value: str | None) -> str:
    return "******" if value else ""


@dataclass(frozen=True)
class MaskingRule:
    """The sensitive fields of one model, the capability to reveal them and the audit prefix."""

    fields: Mapping[str, Masker]
    reveal_capability: str
    audit_prefix: str


POLICY: dict[str, MaskingRule] = {
    "customers.customer": MaskingRule(
        fields={
            "id_number": mask_id_number,
            "mobile": mask_mobile,
            "address": mask_address,
            "hukou_address": mask_address,
        },
        reveal_capability="customers.reveal",
        audit_prefix="customer",
    ),
    "leads.lead": MaskingRule(
        fields={"mobile": mask_mobile, "id_number": mask_id_number},
        reveal_capability="customers.reveal",
        audit_prefix="lead",
    ),
    "customers.customercontact": MaskingRule(
        fields={"mobile": mask_mobile},
        reveal_capability="customers.reveal",
        audit_prefix="customer_contact",
    ),
    "decisions.listentry": MaskingRule(
        fields={"value": mask_identifier},
        reveal_capability="customers.reveal",
        audit_prefix="list_entry",
    ),
    # What OCR read off an ID card (name, number, address) as one JSON text: shown field by
    # field, masked, by documents.panel; as a whole it is never displayed.
    "documents.applicationdocument": MaskingRule(
        fields={"ocr_data": mask_entirely},
        reveal_capability="customers.reveal",
        audit_prefix="document_ocr",
    ),
}


@dataclass(frozen=True)
class Grants:
    """The (object type, object id, field) triples a user may currently see unmasked."""

    expiries: Mapping[GrantKey, datetime] = field(default_factory=dict)

    def allows(self, instance: models.Model, field_name: str) -> bool:
        return self.expires_at(instance, field_name) is not None

    def expires_at(self, instance: models.Model, field_name: str) -> datetime | None:
        return self.expiries.get((object_type_of(instance), str(instance.pk), field_name))


NO_GRANTS = Grants()


def object_type_of(instance: models.Model | type[models.Model]) -> str:
    return instance._meta.label_lower


def rule_for(model: models.Model | type[models.Model]) -> MaskingRule:
    """The masking rule of a model; a model with personal data but no rule is a bug."""
    label = object_type_of(model)
    try:
        return POLICY[label]
    except KeyError as exc:
        raise LookupError(f"no masking rule for {label}") from exc


def sensitive_fields(model: models.Model | type[models.Model]) -> tuple[str, ...]:
    label = object_type_of(model)
    return tuple(POLICY[label].fields) if label in POLICY else ()


def mask_value(model: models.Model | type[models.Model], field_name: str, value: Any) -> Any:
    """The masked form of one value; values of non-sensitive fields pass through."""
    label = object_type_of(model)
    masker = POLICY[label].fields.get(field_name) if label in POLICY else None
    if masker is None:
        return value
    return masker(None if value is None else str(value))


def display_dict(
    instance: models.Model,
    *,
    user: Any,
    fields: Sequence[str],
    grants: Grants | None = None,
    unmask: bool = False,
) -> dict[str, Any]:
    """`{field: value}` for display, masked unless a valid reveal grant covers the field.

    Pass `grants` preloaded with `load_grants()` when rendering many records, so that a list
    costs one grant query instead of one per row. `unmask=True` is for audited exports by a
    user who holds the reveal capability.
    """
    if grants is None:
        grants = load_grants(user, [instance])
    label = object_type_of(instance)
    rule = POLICY.get(label)
    may_reveal = rule is not None and can(user, rule.reveal_capability)
    shown: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if rule is None or name not in rule.fields:
            shown[name] = value
        elif may_reveal and (unmask or grants.allows(instance, name)):
            shown[name] = "" if value is None else str(value)
        else:
            shown[name] = rule.fields[name](None if value is None else str(value))
    return shown


def with_choice_labels(instance: models.Model, shown: Mapping[str, Any]) -> dict[str, Any]:
    """The displayed values as a person reads them: choice codes become their labels."""
    labelled = dict(shown)
    for name, value in shown.items():
        try:
            model_field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(model_field, models.Field) and model_field.flatchoices:
            labelled[name] = dict(model_field.flatchoices).get(value, value)
    return labelled


def field_label(model: models.Model | type[models.Model], name: str) -> str | Promise:
    """The (translatable) label of a model field, for headings and column titles."""
    model_field = model._meta.get_field(name)
    if isinstance(model_field, models.Field):
        return model_field.verbose_name
    return name


def load_grants(user: Any, instances: Iterable[models.Model]) -> Grants:
    """The user's unexpired grants over these records, in one query."""
    return Grants(active_grant_expiries(user, instances))
