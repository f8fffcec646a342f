"""Reads for leads and channels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from lendcrm.core.errors import NotFound
from lendcrm.customers.queries import decode_cursor, encode_cursor
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.identity.scoping import get_scoped, scoped
from lendcrm.leads.models import (
    AssignmentRule,
    Channel,
    ChannelApiKey,
    Lead,
    LeadAssignment,
    LeadImport,
    ScreeningRule,
)


def list_channel_keys() -> QuerySet[ChannelApiKey]:
    """Every channel API key, newest first (integration settings; not data-scoped)."""
    return ChannelApiKey.objects.select_related("channel", "created_by").order_by(
        "channel__code", "-created_at", "-pk"
    )


def get_channel_key(prefix: str) -> ChannelApiKey:
    key = ChannelApiKey.objects.select_related("channel").filter(prefix=prefix).first()
    if key is None:
        raise NotFound("channel key not found", field="prefix")
    return key


def get_channel(code: str) -> Channel:
    channel = Channel.objects.filter(code=code).first()
    if channel is None:
        raise NotFound("channel not found", field="code")
    return channel


# ---- leads (data-scoped) ---------------------------------------------------------------------

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class LeadFilters:
    status: str = ""
    channel: str = ""  # channel code
    campaign: str = ""


@dataclass(frozen=True)
class LeadPage:
    items: list[Lead]
    next_cursor: str | None


def filtered_leads(user: Any, filters: LeadFilters) -> QuerySet[Lead]:
    leads = scoped(Lead.objects.select_related("owner", "channel"), user)
    if filters.status:
        leads = leads.filter(status=filters.status)
    if filters.channel:
        leads = leads.filter(channel__code=filters.channel)
    if filters.campaign:
        leads = leads.filter(campaign=filters.campaign)
    return leads.order_by("-created_at", "-id")


def list_leads(
    user: Any, *, filters: LeadFilters, cursor: str = "", limit: int = PAGE_SIZE
) -> LeadPage:
    """One page in (-created_at, -id) order; `cursor` continues after the previous page."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    leads = filtered_leads(user, filters)
    if cursor:
        created_at, pk = decode_cursor(cursor)
        leads = leads.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    rows = list(leads[: limit + 1])
    items = rows[:limit]
    next_cursor = encode_cursor(items[-1]) if len(rows) > limit else None  # type: ignore[arg-type]
    return LeadPage(items=items, next_cursor=next_cursor)


def get_lead_for_user(user: Any, lead_id: Any) -> Lead:
    """The lead if it is in the user's data scope; NotFound otherwise."""
    return get_scoped(
        Lead.objects.select_related("owner", "channel", "duplicate_of", "customer"), user, lead_id
    )


def list_scoped_leads(user: Any, lead_ids: list[int]) -> list[Lead]:
    return list(scoped(Lead.objects.filter(pk__in=lead_ids), user))


def list_lead_assignments(lead: Lead) -> QuerySet[LeadAssignment]:
    return lead.assignments.select_related("agent", "previous_agent", "assigned_by")


def list_duplicates(user: Any, lead: Lead) -> QuerySet[Lead]:
    return scoped(Lead.objects.filter(duplicate_of=lead).select_related("channel"), user).order_by(
        "-created_at"
    )


def list_channels() -> QuerySet[Channel]:
    return Channel.objects.order_by("code")


def list_campaigns() -> list[str]:
    return list(
        Lead.objects.exclude(campaign="").values_list("campaign", flat=True).distinct()[:200]
    )


# ---- imports and rules (settings of lead managers; not data-scoped) ---------------------------


def list_imports() -> QuerySet[LeadImport]:
    return LeadImport.objects.select_related("channel", "created_by").order_by("-created_at")[:50]


def get_import(import_id: Any) -> LeadImport:
    lead_import = LeadImport.objects.select_related("channel").filter(pk=import_id).first()
    if lead_import is None:
        raise NotFound("import not found", field="import_id")
    return lead_import


def list_screening_rules() -> QuerySet[ScreeningRule]:
    return ScreeningRule.objects.select_related("channel").order_by("pk")


def list_assignment_rules() -> QuerySet[AssignmentRule]:
    return (
        AssignmentRule.objects.select_related("channel")
        .prefetch_related("members__agent")
        .order_by("pk")
    )


def list_agents() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, groups__name__in=_AGENT_ROLES)
        .distinct()
        .order_by("username")
    )


_AGENT_ROLES = (Role.SALES.value, Role.SALES_MANAGER.value)
