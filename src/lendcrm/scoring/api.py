"""Scorecard endpoints under /api/v1/scorecards: the registry, and scoring one applicant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from lendcrm.scoring import queries
from lendcrm.scoring.models import ScorecardVersion
from lendcrm.scoring.services import score_applicant

router = Router(tags=["scorecards"])


class VersionOut(Schema):
    id: int
    model: str
    version: int
    status: str
    metrics: dict[str, Any]
    created_by: str
    approved_by: str | None
    created_at: datetime
    approved_at: datetime | None
    deployed_at: datetime | None


class VersionDetailOut(VersionOut):
    card: dict[str, Any]


class ScoreIn(Schema):
    variables: dict[str, str | float | int | bool | None]


class ScoreOut(Schema):
    version_id: int
    score: float
    points: dict[str, float]
    reason_codes: list[str]


def version_out(version: ScorecardVersion) -> dict[str, Any]:
    return {
        "id": version.pk,
        "model": version.model.name,
        "version": version.number,
        "status": version.status,
        "metrics": version.metrics,
        "created_by": version.created_by.get_username(),
        "approved_by": version.approved_by.get_username() if version.approved_by else None,
        "created_at": version.created_at,
        "approved_at": version.approved_at,
        "deployed_at": version.deployed_at,
    }


@router.get("", response=list[VersionOut])
def list_scorecards_api(request: HttpRequest) -> list[dict[str, Any]]:
    return [version_out(v) for v in queries.list_versions()]


@router.get("/{int:version_id}", response=VersionDetailOut)
def get_scorecard_api(request: HttpRequest, version_id: int) -> dict[str, Any]:
    version = queries.get_version(version_id)
    return {**version_out(version), "card": version.card}


@router.post("/{int:version_id}/score", response=ScoreOut)
def score_applicant_api(request: HttpRequest, version_id: int, payload: ScoreIn) -> ScoreOut:
    version = queries.get_version(version_id)
    result = score_applicant(version, variables=payload.variables, acting_user=request.user)
    return ScoreOut(
        version_id=version.pk,
        score=result.score,
        points=result.points,
        reason_codes=result.reason_codes,
    )
