"""Reads of the scorecard registry. Scorecards hold no customer data: the capability on the
route is the whole access rule, so these take no data scope."""

from __future__ import annotations

from django.db.models import QuerySet

from lendcrm.core.errors import NotFound
from lendcrm.scoring.models import ScorecardVersion, StabilityCheck


def list_versions() -> QuerySet[ScorecardVersion]:
    return ScorecardVersion.objects.select_related("model", "created_by", "approved_by").order_by(
        "model__name", "-number"
    )


def get_version(version_id: int) -> ScorecardVersion:
    try:
        return ScorecardVersion.objects.select_related("model", "created_by", "approved_by").get(
            pk=version_id
        )
    except ScorecardVersion.DoesNotExist as exc:
        raise NotFound(f"no scorecard version {version_id}") from exc


def list_stability_checks(version: ScorecardVersion, *, limit: int = 90) -> list[StabilityCheck]:
    checks = StabilityCheck.objects.filter(version=version).order_by("-as_of")[:limit]
    return list(reversed(checks))
