"""What each role may do, and over which records. One declared table, used everywhere."""

from __future__ import annotations

from typing import Final

from lendcrm.identity.choices import DataScope, Role

PUBLIC: Final = "public"  # a route anyone may call (it authenticates the caller itself, if at all)
AUTHENTICATED: Final = "authenticated"  # any signed-in user

ROLE_SCOPES: dict[Role, DataScope] = {
    Role.ADMIN: DataScope.ALL,
    Role.SALES: DataScope.OWN,
    Role.SALES_MANAGER: DataScope.TEAM,
    Role.REVIEWER: DataScope.BRANCH,
    Role.REVIEW_SUPERVISOR: DataScope.BRANCH,
    Role.REVIEW_DIRECTOR: DataScope.ALL,
    Role.COMMITTEE: DataScope.ALL,
    Role.RISK_ANALYST: DataScope.ALL,
    Role.COLLECTOR: DataScope.OWN,
    Role.COLLECTION_MANAGER: DataScope.BRANCH,
    Role.AGENCY: DataScope.AGENCY,
    Role.QA: DataScope.ALL,
    Role.AUDITOR: DataScope.ALL,
}

# Capabilities are coarse verbs on domains; each page and endpoint names the one it needs.
ROLE_CAPABILITIES: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {
            "applications.create",
            "applications.review",
            "applications.assign",
            "approvals.act",
            "approvals.manage",
            "contracts.view",
            "contracts.manage",
            "customers.view",
            "customers.edit",
            "customers.tag",
            "leads.view",
            "leads.assign",
            "leads.manage",
            "sales.view",
            "sales.manage",
            "applications.view",
            "reports.view",
            "identity.manage",
            "audit.view",
            "loans.view",
            "loans.manage",
            "loans.post_payment",
            "scoring.view",
            "scoring.manage",
            "decisions.view",
            "decisions.run",
        }
    ),
    Role.SALES: frozenset(
        {
            "applications.create",
            "contracts.view",
            "customers.view",
            "customers.edit",  # profile, contacts, bureau upload, lead conversion (own scope)
            "customers.tag",
            "leads.view",
            "sales.view",  # own tasks, follow-ups and pipeline (data scope OWN)
            "applications.view",
            "customers.reveal",
            "loans.view",
        }
    ),
    Role.SALES_MANAGER: frozenset(
        {
            "applications.create",
            "contracts.view",
            "customers.view",
            "customers.edit",
            "customers.tag",
            "leads.view",
            "leads.assign",
            "leads.manage",
            "sales.view",  # the team's tasks, follow-ups, pipeline and funnel (scope TEAM)
            "sales.manage",  # task rules, refusal reasons, the script library
            "applications.view",
            "reports.view",
            "customers.reveal",
            "export",
            "loans.view",
        }
    ),
    Role.REVIEWER: frozenset(
        {
            "applications.review",
            "approvals.act",
            "contracts.view",
            "customers.view",
            "applications.view",
            "customers.reveal",
            "customers.tag",
            "decisions.view",
            "decisions.run",
        }
    ),
    Role.REVIEW_SUPERVISOR: frozenset(
        {
            "applications.review",
            "applications.assign",
            "approvals.act",
            "contracts.view",
            "contracts.manage",
            "decisions.view",
            "customers.view",
            "applications.view",
            "reports.view",
            "customers.reveal",
            "loans.view",
            "loans.manage",
        }
    ),
    Role.REVIEW_DIRECTOR: frozenset(
        {
            "applications.review",
            "applications.assign",
            "approvals.act",
            "approvals.manage",
            "contracts.view",
            "contracts.manage",
            "decisions.view",
            "customers.view",
            "applications.view",
            "reports.view",
            "loans.view",
            "loans.manage",
        }
    ),
    Role.COMMITTEE: frozenset(
        {"approvals.act", "contracts.view", "decisions.view", "customers.view", "applications.view"}
    ),
    Role.RISK_ANALYST: frozenset(
        {
            "applications.view",
            "reports.view",
            "loans.view",
            "scoring.view",
            "scoring.manage",
            "decisions.view",
            "decisions.author",
            "decisions.approve",
            "decisions.run",
        }
    ),
    Role.COLLECTOR: frozenset({"customers.view", "customers.reveal", "loans.view"}),
    Role.COLLECTION_MANAGER: frozenset(
        {
            "customers.view",
            "reports.view",
            "customers.reveal",
            "export",
            "loans.view",
            "loans.post_payment",
        }
    ),
    Role.AGENCY: frozenset({"customers.view"}),
    Role.QA: frozenset({"customers.view"}),
    Role.AUDITOR: frozenset(
        {
            "applications.view",
            "contracts.view",
            "audit.view",
            "reports.view",
            "export",
            "loans.view",
        }
    ),
}
