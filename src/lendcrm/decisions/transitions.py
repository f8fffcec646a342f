"""Every status change of a strategy version, checked here.

draft → submitted → approved → published → retired; a submitted version can be sent back to
draft; a retired or approved version can be published again (a rollback is publishing an
older version).
"""

from __future__ import annotations

from lendcrm.core.errors import Conflict
from lendcrm.decisions.choices import StrategyVersionStatus as S
from lendcrm.decisions.models import StrategyVersion

VERSION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.APPROVED, S.DRAFT}),
    S.APPROVED: frozenset({S.PUBLISHED, S.RETIRED}),
    S.PUBLISHED: frozenset({S.RETIRED}),
    S.RETIRED: frozenset({S.PUBLISHED}),
}


def transition_version(version: StrategyVersion, *, to: S) -> StrategyVersion:
    """Set the status if the move is allowed; the caller saves inside its transaction."""
    if to not in VERSION_TRANSITIONS[version.status]:
        raise Conflict(f"{version}: cannot go from {version.status} to {to}")
    version.status = to
    return version
