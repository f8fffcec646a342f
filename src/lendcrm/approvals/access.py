"""Who may call the approvals pages and API operations (merged into identity.access).

Acting on a task is also checked in the service (assignee or delegate, four eyes), so that a
refusal is audited; the capability here only keeps other roles out.
"""

from __future__ import annotations

PAGE_POLICY: dict[str, str] = {
    "approvals:tasks": "approvals.act",
    "approvals:task": "approvals.act",  # scoped by the application; acting checked in service
    "approvals:delegations": "approvals.act",  # the caller's own delegations
    "approvals:delegation_revoke": "approvals.act",
    "approvals:settings": "approvals.manage",
    "approvals:chain_new": "approvals.manage",
    "approvals:chain_edit": "approvals.manage",
    "approvals:route_new": "approvals.manage",
    "approvals:route_edit": "approvals.manage",
}

API_POLICY: dict[tuple[str, str], str] = {
    ("GET", "api/v1/approvals/tasks"): "approvals.act",
    ("POST", "api/v1/approvals/tasks/{task_id}/actions"): "approvals.act",
}
