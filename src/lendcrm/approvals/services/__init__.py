"""Approval writes. Other apps call these names from here:

- start_approval(application, *, acting_user, opinion: ApprovalTerms, note) -> ApprovalInstance
- act(task, *, action, acting_user, terms=None, note="") -> ApprovalTask
- create_delegation(...), revoke_delegation(...)
- save_chain(...), save_route(...) for the configuration pages
"""

from __future__ import annotations

from lendcrm.approvals.services.configuration import (
    ChainInput,
    NodeInput,
    RouteInput,
    save_chain,
    save_route,
)
from lendcrm.approvals.services.delegation import create_delegation, revoke_delegation
from lendcrm.approvals.services.running import act, current_terms, start_approval
from lendcrm.approvals.terms import ApprovalTerms

__all__ = [
    "ApprovalTerms",
    "ChainInput",
    "NodeInput",
    "RouteInput",
    "act",
    "create_delegation",
    "current_terms",
    "revoke_delegation",
    "save_chain",
    "save_route",
    "start_approval",
]
