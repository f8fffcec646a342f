"""The interaction timeline (客户互动时间线): recording events and reading them newest first.

Other apps (sales follow-ups, lead assignment and status changes) call `record_interaction()`;
pages and the API read through `timeline_for_customer()` and `timeline_for_lead()`, which check
the caller's data scope and page with a keyset cursor over (time, source, id).

Applications are not recorded as interactions: the customer's timeline merges its Application
rows in at read time (time = submitted_at, else created_at), so every application appears
whatever created it. An application service must not record an `application` interaction too.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lendcrm.applications.queries import customer_applications
from lendcrm.core import clock
from lendcrm.core.bulk import insert_rows
from lendcrm.core.errors import DomainError
from lendcrm.core.masking import mask_id_number, mask_mobile
from lendcrm.customers.choices import InteractionKind
from lendcrm.customers.models import Customer, Interaction
from lendcrm.identity.scoping import get_scoped
from lendcrm.leads.choices import AssignmentReason, LeadStatus

TIMELINE_PAGE_SIZE = 20
MAX_TIMELINE_PAGE_SIZE = 100
SUMMARY_MAX_LENGTH = 500

# Identifiers that must never reach a summary in clear: masked on the way in.
_ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


# Entries with the same time are ordered by source, then id (all descending).
SOURCE_INTERACTION = "interaction"
SOURCE_APPLICATION = "application"
SOURCE_RANK = {SOURCE_INTERACTION: 0, SOURCE_APPLICATION: 1}


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline: an Interaction row or an Application of the customer."""

    source: str
    id: int
    kind: str
    kind_label: str
    occurred_at: datetime
    summary: str
    recording_url: str
    actor: Any
    lead_id: int | None
    customer_id: int | None
    ref: str

    @property
    def sort_key(self) -> tuple[datetime, int, int]:
        return (self.occurred_at, SOURCE_RANK[self.source], self.id)


@dataclass(frozen=True)
class TimelinePosition:
    """Where a page ended: the last entry's time, source and id."""

    occurred_at: datetime
    source: str
    id: int


@dataclass(frozen=True)
class TimelinePage:
    items: list[TimelineEntry]
    next_cursor: str | None


def redact_summary(text: str) -> str:
    """The summary with ID numbers and mobiles masked, whitespace collapsed, length capped."""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _MOBILE.sub(lambda m: mask_mobile(m.group(0)), text)
    return " ".join(text.split())[:SUMMARY_MAX_LENGTH]


def record_interaction(
    *,
    kind: str,
    summary: str,
    lead: Any = None,
    customer: Customer | None = None,
    actor: Any = None,
    occurred_at: datetime | None = None,
    recording_url: str = "",
    ref: str = "",
) -> Interaction:
    """Add one event to the timeline of a lead and/or customer; scope copied from the subject.

    The caller's transaction is joined, so the event disappears with a rolled-back operation.
    """
    if kind not in InteractionKind.values:
        raise DomainError(_("未知的互动类型"), field="kind")
    if lead is None and customer is None:
        raise DomainError(_("互动记录必须关联线索或客户"), field="customer")
    subject = customer if customer is not None else lead
    return Interaction.objects.create(
        kind=kind,
        summary=redact_summary(summary),
        occurred_at=occurred_at or clock.now(),
        recording_url=recording_url[:500],
        ref=ref[:80],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        lead=lead,
        customer=customer,
        owner_id=subject.owner_id,
        team_id=subject.team_id,
        branch_id=subject.branch_id,
    )


def record_assignment_interactions(
    made: Iterable[tuple[Any, str, int | None]], *, actor: Any = None
) -> int:
    """One `assignment` event per (lead, reason, previous owner id), written in one query.

    For the leads app's assignment service, which assigns leads in bulk on capture and import.
    """
    now = clock.now()
    actor = actor if getattr(actor, "is_authenticated", False) else None
    summaries: dict[tuple[int, str], str] = {}  # one text per (agent, reason), not per lead

    def summary(lead: Any, reason: str) -> str:
        key = (lead.owner_id, reason)
        if key not in summaries:
            summaries[key] = redact_summary(
                _("分配给 %(agent)s（%(reason)s）")
                % {"agent": _agent_name(lead), "reason": _label(AssignmentReason, reason)}
            )
        return summaries[key]

    rows = [
        Interaction(
            kind=InteractionKind.ASSIGNMENT,
            summary=summary(lead, reason),
            occurred_at=lead.assigned_at or now,
            actor=actor,
            lead=lead,
            owner_id=lead.owner_id,
            team_id=lead.team_id,
            branch_id=lead.branch_id,
        )
        for lead, reason, _previous in made
        if lead.owner_id is not None
    ]
    insert_rows(Interaction, rows)
    return len(rows)


def record_stage_interaction(
    lead: Any, *, previous: str, to: str, actor: Any = None, reason: str = ""
) -> Interaction:
    """A `stage_change` event for a lead status change (called by leads.transitions)."""
    summary = _("阶段：%(from)s → %(to)s") % {
        "from": _label(LeadStatus, previous),
        "to": _label(LeadStatus, to),
    }
    if reason.strip():
        summary += _("（原因：%(reason)s）") % {"reason": reason.strip()[:200]}
    return record_interaction(
        kind=InteractionKind.STAGE_CHANGE,
        summary=summary,
        lead=lead,
        actor=actor,
        ref=f"lead:{lead.pk}",
    )


def _agent_name(lead: Any) -> str:
    # Bulk assignment sets the owner object; never fetch it once per lead.
    if type(lead)._meta.get_field("owner").is_cached(lead):
        return str(lead.owner)
    return f"#{lead.owner_id}"


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def timeline_for_customer(
    user: Any, customer: Customer, cursor: str | None = None, page_size: int = TIMELINE_PAGE_SIZE
) -> TimelinePage:
    """The customer's events, those of its leads and its applications, newest first.

    Applications are merged in at read time (whatever created them: the application service,
    the demo generator's bulk load), each shown only if it is in the caller's data scope.
    NotFound when the customer is outside the caller's scope.
    """
    visible = get_scoped(Customer.objects.all(), user, customer.pk)
    lead_ids = list(visible.leads.values_list("pk", flat=True))
    condition = Q(customer_id=visible.pk)
    if lead_ids:
        condition |= Q(lead_id__in=lead_ids)
    return _page(
        Interaction.objects.filter(condition),
        cursor,
        page_size,
        applications=customer_applications(user, visible.pk),
    )


def timeline_for_lead(
    user: Any, lead: Any, cursor: str | None = None, page_size: int = TIMELINE_PAGE_SIZE
) -> TimelinePage:
    """The lead's own events, newest first; NotFound when the lead is outside the caller's scope.

    A lead's timeline holds only what happened to the lead; the applications of the customer
    it became are on the customer's timeline.
    """
    visible = get_scoped(type(lead).objects.all(), user, lead.pk)
    return _page(Interaction.objects.filter(lead_id=visible.pk), cursor, page_size)


def _after(time_field: str, source: str, position: TimelinePosition | None) -> Q:
    """The rows of one source that come after `position` in (time, source, id) descending order."""
    if position is None:
        return Q()
    rank, last_rank = SOURCE_RANK[source], SOURCE_RANK[position.source]
    before = Q(**{f"{time_field}__lt": position.occurred_at})
    same_time = Q(**{time_field: position.occurred_at})
    if rank < last_rank:
        return before | same_time
    if rank > last_rank:
        return before
    return before | (same_time & Q(pk__lt=position.id))


def _page(
    interactions: QuerySet[Interaction],
    cursor: str | None,
    page_size: int,
    *,
    applications: QuerySet[Any] | None = None,
) -> TimelinePage:
    size = max(1, min(page_size, MAX_TIMELINE_PAGE_SIZE))
    position = decode_timeline_cursor(cursor) if cursor else None
    rows = interactions.filter(_after("occurred_at", SOURCE_INTERACTION, position))
    entries = [
        _interaction_entry(i)
        for i in rows.select_related("actor").order_by("-occurred_at", "-id")[: size + 1]
    ]
    if applications is not None:
        wanted = applications.filter(_after("event_at", SOURCE_APPLICATION, position))
        entries += [_application_entry(a) for a in wanted.order_by("-event_at", "-id")[: size + 1]]
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    items = entries[:size]
    next_cursor = encode_timeline_cursor(items[-1]) if len(entries) > size else None
    return TimelinePage(items=items, next_cursor=next_cursor)


def _interaction_entry(interaction: Interaction) -> TimelineEntry:
    return TimelineEntry(
        source=SOURCE_INTERACTION,
        id=interaction.pk,
        kind=interaction.kind,
        kind_label=str(interaction.get_kind_display()),
        occurred_at=interaction.occurred_at,
        summary=interaction.summary,
        recording_url=interaction.recording_url,
        actor=interaction.actor,
        lead_id=interaction.lead_id,
        customer_id=interaction.customer_id,
        ref=interaction.ref,
    )


def _application_entry(application: Any) -> TimelineEntry:
    values = {
        "no": application.application_no,
        "amount": f"{application.amount:,.2f}",
        "status": application.get_status_display(),
    }
    if application.submitted_at is not None:
        summary = _("提交借款申请 %(no)s，金额 %(amount)s 元，状态：%(status)s") % values
    else:
        summary = _("创建借款申请 %(no)s，金额 %(amount)s 元，状态：%(status)s") % values
    return TimelineEntry(
        source=SOURCE_APPLICATION,
        id=application.pk,
        kind=InteractionKind.APPLICATION,
        kind_label=str(InteractionKind.APPLICATION.label),
        occurred_at=application.event_at,
        summary=redact_summary(summary),
        recording_url="",
        actor=None,
        lead_id=None,
        customer_id=application.customer_id,
        ref=f"application:{application.pk}",
    )


def encode_timeline_cursor(entry: TimelineEntry) -> str:
    raw = f"{entry.occurred_at.isoformat()}|{entry.source}|{entry.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_timeline_cursor(cursor: str) -> TimelinePosition:
    """(time, source, id) of the last entry shown; a two-part cursor (time, id) of earlier
    releases names an interaction."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        parts = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        if len(parts) == 2:
            parts.insert(1, SOURCE_INTERACTION)
        stamp, source, pk = parts
        if source not in SOURCE_RANK:
            raise ValueError("unknown timeline source")
        occurred_at = datetime.fromisoformat(stamp)
        if occurred_at.tzinfo is None:
            raise ValueError("cursor time without a time zone")
        return TimelinePosition(occurred_at=occurred_at, source=source, id=int(pk))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise DomainError(_("翻页参数无效，请从第一页重新查询"), field="cursor") from exc
