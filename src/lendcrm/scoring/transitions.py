"""Every status change of a scorecard version, checked here: draft → approved → deployed."""

from __future__ import annotations

from lendcrm.core.errors import Conflict
from lendcrm.scoring.choices import VersionStatus as S
from lendcrm.scoring.models import ScorecardVersion

VERSION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.APPROVED, S.RETIRED}),
    S.APPROVED: frozenset({S.DEPLOYED, S.RETIRED}),
    S.DEPLOYED: frozenset({S.RETIRED}),
    S.RETIRED: frozenset(),
}


def transition_version(version: ScorecardVersion, *, to: S) -> ScorecardVersion:
    """Set the status if the move is allowed; the caller saves inside its transaction."""
    if to not in VERSION_TRANSITIONS[version.status]:
        raise Conflict(f"{version}: cannot go from {version.status} to {to}")
    version.status = to
    return version
