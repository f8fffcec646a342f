"""Scorecard pages: the registry, one version's card with approve/deploy, and its stability."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lendcrm.core.errors import DomainError, NotFound
from lendcrm.identity.roles import can
from lendcrm.scoring import queries
from lendcrm.scoring.card import SPECIAL_ROWS
from lendcrm.scoring.choices import StabilityLevelChoice, VersionStatus
from lendcrm.scoring.models import ScorecardVersion
from lendcrm.scoring.services import approve_version, deploy_version
from lendcrm.scoring.stability import ALERT_THRESHOLD, WARN_THRESHOLD, stability_level

T = TypeVar("T")


def _found(read: Callable[[], T]) -> T:
    try:
        return read()
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
def version_list(request: HttpRequest) -> HttpResponse:
    context = {"page_title": _("评分卡"), "versions": list(queries.list_versions())}
    return render(request, "scoring/versions.html", context)


def _variable_rows(variable: dict[str, Any]) -> list[dict[str, Any]]:
    best = max(r["points"] for r in [*variable["bins"], *(variable[k] for k in SPECIAL_ROWS)])
    rows = [*variable["bins"], *(variable[k] for k in SPECIAL_ROWS)]
    return [{**row, "is_best": row["points"] == best} for row in rows]


@require_GET
def version_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _found(lambda: queries.get_version(version_id))
    may_manage = can(request.user, "scoring.manage")
    context = {
        "page_title": str(version),
        "version": version,
        "variables": [{**v, "rows": _variable_rows(v)} for v in version.card["variables"]],
        "scaling": version.card.get("scaling", {}),
        "can_approve": may_manage
        and version.status == VersionStatus.DRAFT
        and version.created_by_id != request.user.pk,
        "is_maker": version.created_by_id == request.user.pk,
        "can_deploy": may_manage and version.status == VersionStatus.APPROVED,
    }
    return render(request, "scoring/version.html", context)


def _act(
    request: HttpRequest, version_id: int, action: Callable[..., ScorecardVersion], done: str
) -> HttpResponse:
    version = _found(lambda: queries.get_version(version_id))
    try:
        action(version, acting_user=request.user)
        messages.success(request, done)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("scoring:version", version_id=version.pk)


@require_POST
def approve(request: HttpRequest, version_id: int) -> HttpResponse:
    return _act(request, version_id, approve_version, _("已复核通过"))


@require_POST
def deploy(request: HttpRequest, version_id: int) -> HttpResponse:
    return _act(request, version_id, deploy_version, _("已上线"))


def _chart_data(version: ScorecardVersion, checks: list[Any]) -> dict[str, Any]:
    distribution = version.card["score_distribution"]
    edges = [round(e) for e in distribution["edges"]]
    labels = [f"<{edges[0]}"] + [f"{a}–{b}" for a, b in itertools.pairwise(edges)]
    labels.append(f"≥{edges[-1]}")
    latest = checks[-1] if checks else None
    return {
        "bins": labels,
        "development": distribution["shares"],
        "recent": latest.recent_shares if latest else [],
        "dates": [c.as_of.isoformat() for c in checks],
        "psi": [round(c.psi, 4) for c in checks],
        "warn": WARN_THRESHOLD,
        "alert": ALERT_THRESHOLD,
        "labels": {"development": _("开发样本"), "recent": _("近期"), "psi": "PSI"},
    }


def _alerts(checks: list[Any]) -> list[dict[str, Any]]:
    """Every PSI and CSI at or above the warning threshold, oldest first."""
    labels = dict(StabilityLevelChoice.choices)
    alerts = []
    for check in checks:
        measures = [("PSI", check.psi), *((f"CSI {n}", v) for n, v in sorted(check.csi.items()))]
        for measure, value in measures:
            level = stability_level(value).value
            if level != StabilityLevelChoice.STABLE:
                alerts.append(
                    {
                        "as_of": check.as_of,
                        "measure": measure,
                        "value": value,
                        "level": level,
                        "label": labels[level],
                    }
                )
    return alerts


@require_GET
def stability(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _found(lambda: queries.get_version(version_id))
    checks = queries.list_stability_checks(version)
    latest = checks[-1] if checks else None
    csi = sorted((latest.csi if latest else {}).items(), key=lambda item: -item[1])
    context = {
        "page_title": _("%(version)s 稳定性监控") % {"version": version},
        "version": version,
        "checks": checks,
        "latest": latest,
        "csi": [{"name": n, "value": v, "level": stability_level(v).value} for n, v in csi],
        "alerts": _alerts(checks)[-20:],
        "chart": _chart_data(version, checks),
    }
    return render(request, "scoring/stability.html", context)
