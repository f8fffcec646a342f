"""Assembles a pre-screen's input: from an application or a channel's payload, then enriched
with list hits, bureau and multi-lending summaries.

Raw identifiers (ID number, mobile, bank card, device) never leave this module: they are
turned into blind indexes (kept in the snapshot) and facts (age, list hits). The subject key
is the blind index of the ID number, or of the mobile when there is none.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lendcrm.core import clock
from lendcrm.core.cn_ids import InvalidIdentifier, age_on, parse_id_number
from lendcrm.decisions import lists
from lendcrm.decisions.choices import ListEntryKind
from lendcrm.decisions.engine import CompiledStrategy
from lendcrm.decisions.engine.document import canonical_json
from lendcrm.integrations.bureau.base import CreditBureau
from lendcrm.integrations.bureau.fake import FakeCreditBureau
from lendcrm.integrations.multilending.base import MultiLendingProvider
from lendcrm.integrations.multilending.fake import FakeMultiLendingProvider

IDENTIFIER_KEYS = {
    "id_number": ListEntryKind.ID_NUMBER,
    "mobile": ListEntryKind.MOBILE,
    "bank_card": ListEntryKind.BANK_CARD,
    "device_id": ListEntryKind.DEVICE,
}
PERSONAL_KEYS = frozenset({"name", "address", "email", *IDENTIFIER_KEYS})
BUREAU_SOURCE: CreditBureau = FakeCreditBureau()
MULTILENDING_SOURCE: MultiLendingProvider = FakeMultiLendingProvider()


@dataclass(frozen=True)
class ScreenRequest:
    values: dict[str, Any]
    indexes: dict[str, str]  # kind → blind index
    product_code: str = ""


@dataclass(frozen=True)
class EnrichedInput:
    subject_key: str
    values: dict[str, Any]
    identifiers: dict[str, str]  # kind → blind index: what the snapshot keeps
    sources: dict[str, str] = field(default_factory=dict)

    def inputs_for(self, compiled: CompiledStrategy) -> dict[str, Any]:
        """Exactly the version's declared inputs (None when absent): the replayable snapshot."""
        return {spec.name: self.values.get(spec.name) for spec in compiled.inputs}


def request_from_payload(payload: Mapping[str, Any], *, product_code: str = "") -> ScreenRequest:
    values = {k: _json_value(v) for k, v in payload.items() if k not in PERSONAL_KEYS}
    raw = {
        str(kind): str(payload[key]) for key, kind in IDENTIFIER_KEYS.items() if payload.get(key)
    }
    id_number = raw.get(ListEntryKind.ID_NUMBER)
    if id_number and values.get("age") is None:
        with contextlib.suppress(InvalidIdentifier):
            values["age"] = age_on(parse_id_number(id_number).birth_date, clock.today())
    return ScreenRequest(values=values, indexes=lists.indexes_of(raw), product_code=product_code)


def request_from_application(application: Any) -> ScreenRequest:
    customer = application.customer
    values: dict[str, Any] = {
        "age": age_on(customer.birth_date, clock.today()),
        "province": customer.province,
        "city": customer.city,
        "monthly_income": _json_value(customer.monthly_income),
        "employment_years": customer.years_employed,
        "education": customer.education or None,
        "housing": customer.housing or None,
        "requested_amount": _json_value(application.amount),
        "term": application.term,
        "identity_verified": bool(customer.id_number_index),
    }
    indexes = {
        ListEntryKind.ID_NUMBER: customer.id_number_index,
        ListEntryKind.MOBILE: customer.mobile_index,
    }
    return ScreenRequest(
        values=values,
        indexes={k: v for k, v in indexes.items() if v},
        product_code=application.product.code,
    )


def enrich(
    request: ScreenRequest, compiled: CompiledStrategy, *also: CompiledStrategy
) -> EnrichedInput:
    """Adds list hits, and bureau and multi-lending summaries when any of the strategies
    (the champion and, given in `also`, a challenger) reads them."""
    indexes = request.indexes
    subject = indexes.get(ListEntryKind.ID_NUMBER) or indexes.get(ListEntryKind.MOBILE) or ""
    if not subject:
        digest = hashlib.sha256(canonical_json(request.values).encode()).hexdigest()
        subject = f"anon:{digest[:32]}"
    values = dict(request.values)
    hits = lists.hits_for_indexes(indexes)
    # List hits are always ours: a caller cannot clear them by sending false.
    values["blacklist_hit"] = hits.is_black or values.get("blacklist_hit") is True
    values["graylist_hit"] = hits.is_gray or values.get("graylist_hit") is True
    sources: dict[str, str] = {}
    declared = {spec.name for strategy in (compiled, *also) for spec in strategy.inputs}
    if indexes and _wants(declared, values, "bureau_"):
        values = _merge(BUREAU_SOURCE.fetch_summary(subject_key=subject).as_features(), values)
        sources["bureau"] = BUREAU_SOURCE.name
    if indexes and _wants(declared, values, "ml_"):
        values = _merge(
            MULTILENDING_SOURCE.fetch_summary(subject_key=subject).as_features(), values
        )
        sources["multilending"] = MULTILENDING_SOURCE.name
    return EnrichedInput(
        subject_key=subject,
        values=values,
        identifiers={str(k): v for k, v in indexes.items()},
        sources=sources,
    )


def _wants(declared: set[str], values: Mapping[str, Any], prefix: str) -> bool:
    """Fetch only when the strategy reads such fields and the caller did not send them."""
    return any(name.startswith(prefix) and values.get(name) is None for name in declared)


def _merge(fetched: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """The caller's values win where it sent them; fetched ones fill the gaps."""
    return {**given, **{k: v for k, v in fetched.items() if given.get(k) is None}}


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value
