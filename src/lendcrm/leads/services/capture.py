"""Capturing leads: clean, dedupe against leads and customers, screen, assign, store.

One batch is handled with a fixed number of queries whatever its size, so the bulk API and
imports run at the same speed per lead. Every item gets exactly one outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, signals
from django.db.models.base import ModelState

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.bulk import insert_rows
from lendcrm.core.errors import FieldProblem
from lendcrm.core.fields import BlindIndexField, index_value
from lendcrm.customers.models import Customer
from lendcrm.leads.choices import AssignmentReason, BlacklistKind, CaptureOutcome
from lendcrm.leads.cleaning import CleanLead, LeadInput, clean_lead
from lendcrm.leads.models import Channel, Lead, LeadBlacklist, LeadImport, ScreeningRule
from lendcrm.leads.screening import ScreeningFacts, ScreeningPolicy, screen_lead
from lendcrm.leads.services.assignment import (
    AssignmentPlan,
    assign_in_plan,
    load_plan,
    record_assignments,
)
from lendcrm.leads.transitions import mark_invalid_on_arrival

DEDUPE_LOCK = 0x1EAD5  # serialises dedupe between concurrent captures on PostgreSQL
_LOOKUP_CHUNK = 900  # stays under SQLite's bound-parameter limits


@dataclass
class CaptureResult:
    index: int
    outcome: str
    lead_id: int | None = None
    duplicate_of: int | None = None
    customer_id: int | None = None
    status: str = ""
    errors: list[FieldProblem] = field(default_factory=list)
    row: int | None = None


@dataclass(frozen=True)
class _Match:
    lead_id: int | None
    customer_id: int | None
    owner_id: int | None
    team_id: int | None
    branch_id: int | None


def lead_index(field_name: str, raw: str) -> str:
    # The model field's own purpose and normaliser, so a lookup hashes exactly as a save does.
    model_field = Lead._meta.get_field(field_name)
    assert isinstance(model_field, BlindIndexField)
    return index_value(raw, purpose=model_field.purpose, normaliser=model_field.normaliser)


def capture_leads(
    channel: Channel,
    items: Sequence[LeadInput],
    *,
    lead_import: LeadImport | None = None,
    default_campaign: str = "",
    acting_user: Any = None,
) -> list[CaptureResult]:
    """Store the valid leads of one batch and say, per item, what became of it."""
    return store_batch(
        channel,
        prepare_batch(items),
        lead_import=lead_import,
        default_campaign=default_campaign,
        acting_user=acting_user,
    )


@dataclass(frozen=True)
class PreparedBatch:
    """A batch cleaned and blind-indexed: the part of a capture that needs no database."""

    rejected: list[CaptureResult]
    cleaned: list[tuple[int, CleanLead]]
    indexes: list[tuple[str, str]]  # (mobile, ID number) blind indexes of each cleaned lead
    now: datetime


def prepare_batch(items: Sequence[LeadInput]) -> PreparedBatch:
    """Clean every item and compute the blind indexes; pure, so an import runs it in a thread."""
    now, today = clock.now(), clock.today()
    rejected: list[CaptureResult] = []
    cleaned: list[tuple[int, CleanLead]] = []
    for index, item in enumerate(items):
        outcome = clean_lead(item, today=today, now=now)
        if isinstance(outcome, list):
            rejected.append(
                CaptureResult(index, CaptureOutcome.REJECTED, errors=outcome, row=item.row)
            )
        else:
            cleaned.append((index, outcome))
    indexes = [
        (lead_index("mobile_index", c.mobile), lead_index("id_number_index", c.id_number))
        for _i, c in cleaned
    ]
    return PreparedBatch(rejected, cleaned, indexes, now)


def store_batch(
    channel: Channel,
    batch: PreparedBatch,
    *,
    lead_import: LeadImport | None = None,
    default_campaign: str = "",
    acting_user: Any = None,
) -> list[CaptureResult]:
    """Dedupe, screen, assign and store a prepared batch, in one transaction."""
    if not batch.rejected and not batch.cleaned:
        return []
    results = list(batch.rejected)
    with transaction.atomic():
        _lock_dedupe()
        results += _store(channel, batch, lead_import, default_campaign, acting_user)
        _audit(channel, results, lead_import, acting_user)
    results.sort(key=lambda r: r.index)
    return results


def _lock_dedupe() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DEDUPE_LOCK])


def _store(
    channel: Channel,
    batch: PreparedBatch,
    lead_import: LeadImport | None,
    default_campaign: str,
    acting_user: Any,
) -> list[CaptureResult]:
    cleaned, indexes, now = batch.cleaned, batch.indexes, batch.now
    matches = _existing_matches(indexes)
    blacklisted = _blacklisted(indexes)
    policies = _policies(channel)
    plan = load_plan(channel)
    new_lead = _LeadMaker(channel, lead_import, default_campaign)
    firsts: list[tuple[int, Lead]] = []
    seconds: list[tuple[int, Lead, int]] = []  # duplicates of a lead earlier in this batch
    seen: dict[str, int] = {}
    for position, ((index, clean), (m_idx, i_idx)) in enumerate(zip(cleaned, indexes, strict=True)):
        lead = new_lead(clean, m_idx, i_idx)
        match = matches.get(m_idx) or (matches.get(i_idx) if i_idx else None)
        earlier = seen.get(m_idx, seen.get(i_idx, -1) if i_idx else -1)
        if match is not None:
            _link_duplicate(lead, match, plan.made)
            firsts.append((index, lead))
        elif earlier >= 0:
            seconds.append((index, lead, earlier))
        else:
            listed = m_idx in blacklisted or (bool(i_idx) and i_idx in blacklisted)
            _screen_and_assign(lead, clean, listed, policies, plan, now)
            firsts.append((index, lead))
        seen.setdefault(m_idx, position)
        if i_idx:
            seen.setdefault(i_idx, position)
    return _save(cleaned, firsts, seconds, plan, acting_user)


def _screen_and_assign(
    lead: Lead,
    clean: CleanLead,
    blacklisted: bool,
    policies: list[ScreeningPolicy],
    plan: AssignmentPlan,
    now: datetime,
) -> None:
    facts = ScreeningFacts(
        birth_date=clean.id_facts.birth_date if clean.id_facts else None,
        region_code=clean.region_code,
        consent=clean.consent,
        blacklisted=blacklisted,
    )
    if reason := screen_lead(facts, policies, today=now.date()):
        mark_invalid_on_arrival(lead, reason=reason)
    else:
        assign_in_plan(plan, lead, now=now, reason=AssignmentReason.ARRIVAL)


def _save(
    cleaned: list[tuple[int, CleanLead]],
    firsts: list[tuple[int, Lead]],
    seconds: list[tuple[int, Lead, int]],
    plan: AssignmentPlan,
    acting_user: Any,
) -> list[CaptureResult]:
    insert_leads([lead for _i, lead in firsts], indexed=True)
    by_index = dict(firsts)
    for _index, lead, earlier_position in seconds:
        original = by_index[cleaned[earlier_position][0]]
        _link_duplicate(lead, _match_of(original), plan.made)
    insert_leads([lead for _i, lead, _e in seconds], indexed=True)
    record_assignments(plan.made, rule=plan.rule, acting_user=acting_user)
    rows = {index: clean.row for index, clean in cleaned}
    return [_result(index, lead, rows[index]) for index, lead in firsts] + [
        _result(index, lead, rows[index]) for index, lead, _e in seconds
    ]


def insert_leads(leads: list[Lead], *, indexed: bool = False) -> None:
    """Insert new leads (COPY on PostgreSQL for large batches); see `core.bulk.insert_rows`."""
    insert_rows(Lead, leads, indexed=indexed)


def _match_of(original: Lead) -> _Match:
    """What a later lead in the same batch links to: the earlier lead, or what that one links to."""
    scope = (original.owner_id, original.team_id, original.branch_id)
    if original.is_duplicate:
        return _Match(original.duplicate_of_id, original.customer_id, *scope)
    return _Match(original.pk, None, *scope)


def _result(index: int, lead: Lead, row: int | None) -> CaptureResult:
    outcome = CaptureOutcome.DUPLICATE if lead.is_duplicate else CaptureOutcome.CREATED
    return CaptureResult(
        index,
        outcome,
        lead_id=lead.pk,
        duplicate_of=lead.duplicate_of_id,
        customer_id=lead.customer_id,
        status=lead.status,
        row=row,
    )


class _LeadMaker:
    """Builds unsaved leads from clean values and their blind indexes.

    `Lead(**kwargs)` resolves every field's default through its descriptor one by one, which
    took a quarter of the import's time per row. The defaults are read once from a blank Lead
    and each new lead gets a copy of them with the row's values, as a fresh `Model.__init__`
    leaves them (attribute values and a new `ModelState`). A default of a mutable type, which
    must not be shared between instances, or a pre_init/post_init receiver for Lead, makes it
    fall back to keyword construction.
    """

    _IMMUTABLE = (type(None), str, int, Decimal, datetime)  # bool is an int; choices are str

    def __init__(
        self, channel: Channel, lead_import: LeadImport | None, default_campaign: str
    ) -> None:
        self.channel, self.lead_import, self.default_campaign = (
            channel,
            lead_import,
            default_campaign,
        )
        blank = Lead()
        self.defaults = {f.attname: getattr(blank, f.attname) for f in Lead._meta.concrete_fields}
        self.shared = all(isinstance(v, self._IMMUTABLE) for v in self.defaults.values()) and not (
            signals.pre_init.has_listeners(Lead) or signals.post_init.has_listeners(Lead)
        )

    def __call__(self, clean: CleanLead, mobile_index: str, id_number_index: str) -> Lead:
        values: dict[str, Any] = {
            "name": clean.name,
            "mobile": clean.mobile,
            "mobile_index": mobile_index,
            "id_number": clean.id_number,
            "id_number_index": id_number_index,
            "city": clean.city,
            "requested_amount": clean.requested_amount,
            "purpose": clean.purpose,
            "channel_id": self.channel.pk,
            "campaign": clean.campaign or self.default_campaign,
            "consent": clean.consent,
            "consent_at": clean.consent_at,
            "lead_import_id": self.lead_import.pk if self.lead_import else None,
            "source_row": clean.row,
        }
        if self.shared:
            lead = Lead.__new__(Lead)
            lead._state = ModelState()
            lead.__dict__.update(self.defaults)
            lead.__dict__.update(values)
        else:
            lead = Lead(**values)
        # The related objects cached, as Lead(channel=...) leaves them.
        _CHANNEL.set_cached_value(lead, self.channel)
        if self.lead_import is not None:
            _LEAD_IMPORT.set_cached_value(lead, self.lead_import)
        return lead


_CHANNEL = Lead._meta.get_field("channel")
_LEAD_IMPORT = Lead._meta.get_field("lead_import")


def _link_duplicate(lead: Lead, match: _Match, made: list[tuple[Lead, str, int | None]]) -> None:
    """撞单: keep the lead with its own channel and campaign, linked to the original and its owner."""
    lead.is_duplicate = True
    lead.duplicate_of_id = match.lead_id
    lead.customer_id = match.customer_id
    lead.owner_id, lead.team_id, lead.branch_id = match.owner_id, match.team_id, match.branch_id
    if match.owner_id is not None:
        made.append((lead, AssignmentReason.DUPLICATE, None))


def _existing_matches(indexes: list[tuple[str, str]]) -> dict[str, _Match]:
    """Blind index → the original lead (preferred) or customer holding that phone or ID."""
    mobiles = sorted({m for m, _i in indexes if m})
    ids = sorted({i for _m, i in indexes if i})
    found: dict[str, _Match] = {}
    for model, extra in ((Customer, ""), (Lead, " AND NOT is_duplicate")):
        for pk, m_idx, i_idx, *scope in _rows_matching(model, mobiles, ids, extra):
            match = _Match(pk, None, *scope) if model is Lead else _Match(None, pk, *scope)
            for value in (m_idx, i_idx):
                if model is Lead and value in found and found[value].lead_id is not None:
                    continue  # keep the oldest original lead
                found[value] = match
    found.pop("", None)
    return found


_MATCH_COLUMNS = ("id", "mobile_index", "id_number_index", "owner_id", "team_id", "branch_id")


def _rows_matching(
    model: type[Customer] | type[Lead], mobiles: list[str], ids: list[str], extra: str
) -> list[tuple[Any, ...]]:
    if connection.vendor == "postgresql":
        # One array parameter per column instead of thousands of bound values; the table
        # name and filter are constants of this module, never input.
        sql = (
            f"SELECT {', '.join(_MATCH_COLUMNS)} FROM {model._meta.db_table} "  # noqa: S608
            f"WHERE (mobile_index = ANY(%s) OR id_number_index = ANY(%s)){extra} ORDER BY id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [mobiles, ids])
            return list(cursor.fetchall())
    rows: list[tuple[Any, ...]] = []
    base = model.objects.all() if model is Customer else Lead.objects.filter(is_duplicate=False)
    for start in range(0, max(len(mobiles), len(ids)), _LOOKUP_CHUNK):
        where = Q(mobile_index__in=mobiles[start : start + _LOOKUP_CHUNK]) | Q(
            id_number_index__in=ids[start : start + _LOOKUP_CHUNK]
        )
        rows += base.filter(where).order_by("pk").values_list(*_MATCH_COLUMNS)
    return rows


def _blacklisted(indexes: list[tuple[str, str]]) -> set[str]:
    mobiles = sorted({m for m, _i in indexes if m})
    ids = sorted({i for _m, i in indexes if i})
    if connection.vendor == "postgresql":
        # One query with an array parameter per kind; the table name is a model constant.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value_index FROM {LeadBlacklist._meta.db_table} "  # noqa: S608
                "WHERE (kind = %s AND value_index = ANY(%s)) "
                "OR (kind = %s AND value_index = ANY(%s))",
                [BlacklistKind.MOBILE.value, mobiles, BlacklistKind.ID_NUMBER.value, ids],
            )
            return {value for (value,) in cursor.fetchall()}
    hits: set[str] = set()
    for kind, values in ((BlacklistKind.MOBILE, mobiles), (BlacklistKind.ID_NUMBER, ids)):
        for start in range(0, len(values), _LOOKUP_CHUNK):
            chunk = values[start : start + _LOOKUP_CHUNK]
            hits |= set(
                LeadBlacklist.objects.filter(kind=kind, value_index__in=chunk).values_list(
                    "value_index", flat=True
                )
            )
    return hits


def _policies(channel: Channel) -> list[ScreeningPolicy]:
    rules = ScreeningRule.objects.filter(is_active=True).filter(
        Q(channel=channel) | Q(channel__isnull=True)
    )
    return [
        ScreeningPolicy(
            min_age=r.min_age,
            max_age=r.max_age,
            allowed_regions=tuple(r.allowed_regions or ()),
            check_blacklist=r.check_blacklist,
            require_consent=r.require_consent,
        )
        for r in rules.order_by("pk")
    ]


def _audit(
    channel: Channel, results: list[CaptureResult], lead_import: LeadImport | None, actor: Any
) -> None:
    counts = {o: sum(1 for r in results if r.outcome == o) for o in CaptureOutcome.values}
    record_event(
        "lead.captured",
        actor=actor,
        object_type="leads.lead",
        object_id=str(results[0].lead_id or "") if len(results) == 1 else "",
        metadata={
            "channel": channel.code,
            "import_id": lead_import.pk if lead_import else None,
            **counts,
            "leads": [r.lead_id for r in results if r.lead_id is not None],
        },
    )
