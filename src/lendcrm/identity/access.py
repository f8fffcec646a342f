"""The access policy: which role may call which page or API endpoint.

One declared table. Pages are keyed by URL name, API operations by (method, route). An entry
is PUBLIC, AUTHENTICATED (any signed-in user) or a capability from identity.policy, which in
turn says which roles hold it; the role's data scope (identity.policy.ROLE_SCOPES) then limits
which records the route returns. A route with no entry is refused (fail closed), and the
generated role × route test fails until the route is declared here.
"""

from __future__ import annotations

import importlib
import re
from functools import lru_cache
from typing import Any, Final

from lendcrm.identity.policy import AUTHENTICATED as AUTHENTICATED
from lendcrm.identity.policy import PUBLIC as PUBLIC
from lendcrm.identity.roles import can

# Apps that declare their own routes in `<app>/access.py` (PAGE_POLICY and API_POLICY dicts,
# same form as below), merged into the one table here.
_APPS_WITH_OWN_POLICY: Final = ("applications", "documents", "approvals", "contracts", "reviews")

PAGE_POLICY: dict[str, str] = {
    "healthz": PUBLIC,
    "set_language": PUBLIC,
    "ui:login": PUBLIC,
    "ui:logout": PUBLIC,
    "ui:home": AUTHENTICATED,
    "customers:list": "customers.view",
    "customers:detail": "customers.view",
    "customers:reveal": "customers.view",  # customers.reveal: checked and audited in the service
    "customers:export": "export",
    "customers:tag_add": "customers.tag",
    "customers:tag_remove": "customers.tag",
    "customers:timeline": "customers.view",
    "customers:contact_add": "customers.edit",
    "customers:interaction_add": "customers.edit",
    "customers:bureau_upload": "customers.edit",
    "customers:real_estate_add": "customers.edit",
    "customers:real_estate_edit": "customers.edit",
    "customers:real_estate_remove": "customers.edit",
    "customers:vehicle_add": "customers.edit",
    "customers:vehicle_edit": "customers.edit",
    "customers:vehicle_remove": "customers.edit",
    "customers:score_add": "customers.edit",
    "customers:score_edit": "customers.edit",
    "customers:score_remove": "customers.edit",
    "customers:bureau_file": "customers.view",  # scoped through the report's customer, audited
    "customers:convert_lead": "customers.edit",  # the lead is read through the leads scope
    "customers:lead_timeline": "leads.view",
    "leads:list": "leads.view",
    "leads:detail": "leads.view",
    "leads:reassign": "leads.assign",
    "leads:imports": "leads.manage",
    "leads:import": "leads.manage",
    "leads:import_progress": "leads.manage",
    "leads:import_errors": "leads.manage",
    "leads:screening_rules": "leads.manage",
    "leads:assignment_rules": "leads.manage",
    "sales:tasks": "sales.view",
    "sales:task_badge": "sales.view",
    "sales:follow_up": "sales.view",
    "sales:move_stage": "sales.view",
    "sales:board": "sales.view",
    "sales:pipeline_list": "sales.view",
    "sales:funnel": "sales.view",
    "sales:funnel_export": "export",
    "sales:scripts": "sales.view",
    "sales:script_new": "sales.manage",
    "sales:script_edit": "sales.manage",
    "sales:settings": "sales.manage",
    "audit:events": "audit.view",
    "audit:event": "audit.view",
    "audit:event_verify": "audit.view",
    "audit:export": "audit.view",  # the view also requires "export"
    "identity:users": "identity.manage",
    "identity:user": "identity.manage",
    "identity:user_unlock": "identity.manage",
    "identity:user_reset_otp": "identity.manage",
    "identity:security": "identity.manage",
    "identity:channel_keys": "identity.manage",
    "identity:channel_key_rotate": "identity.manage",
    "identity:channel_key_revoke": "identity.manage",
    "identity:tokens": AUTHENTICATED,
    "identity:token_revoke": AUTHENTICATED,  # own tokens only (identity.queries.get_own_token)
    "identity:otp_setup": AUTHENTICATED,
    "identity:otp_verify": AUTHENTICATED,
    "loans:lines": "loans.view",
    "loans:line": "loans.view",
    "loans:post_payment": "loans.post_payment",
    "loans:eod": "loans.view",
    "loans:eod_progress": "loans.view",
    "scoring:versions": "scoring.view",
    "scoring:version": "scoring.view",
    "scoring:approve": "scoring.manage",  # maker-checker: checked in the service
    "scoring:deploy": "scoring.manage",
    "scoring:stability": "scoring.view",
    "decisions:strategies": "decisions.view",
    "decisions:strategy_new": "decisions.author",
    "decisions:strategy": "decisions.view",
    "decisions:diff": "decisions.view",
    "decisions:report": "decisions.view",
    "decisions:version": "decisions.view",
    "decisions:record": "decisions.view",  # scoped by the application (decisions.queries)
    "decisions:inputs_edit": "decisions.author",  # drafts only
    "decisions:steps_edit": "decisions.author",
    "decisions:table_edit": "decisions.author",
    "decisions:expressions_edit": "decisions.author",
    "decisions:new_draft": "decisions.author",
    "decisions:submit": "decisions.author",
    "decisions:test_panel": "decisions.author",
    "decisions:simulations": "decisions.author",
    "decisions:simulation": "decisions.author",
    "decisions:simulation_progress": "decisions.author",
    "decisions:approve": "decisions.approve",  # maker-checker: checked in the service
    "decisions:return": "decisions.approve",
    "decisions:publish": "decisions.approve",
    "decisions:set_challenger": "decisions.approve",
    "decisions:clear_challenger": "decisions.approve",
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:api-root": PUBLIC,
}

API_POLICY: dict[tuple[str, str], str] = {
    ("POST", "api/v1/auth/token"): PUBLIC,
    ("GET", "api/v1/auth/me"): AUTHENTICATED,
    ("GET", "api/v1/auth/tokens"): AUTHENTICATED,
    ("DELETE", "api/v1/auth/tokens/<prefix>"): AUTHENTICATED,  # own tokens only
    ("GET", "api/v1/audit/events"): "audit.view",
    ("GET", "api/v1/audit/events/<int:sequence>"): "audit.view",
    ("GET", "api/v1/customers"): "customers.view",
    ("GET", "api/v1/customers/<int:customer_id>"): "customers.view",
    ("GET", "api/v1/customers/tags"): "customers.view",
    ("GET", "api/v1/customers/<int:customer_id>/timeline"): "customers.view",
    ("POST", "api/v1/customers/<int:customer_id>/interactions"): "customers.edit",
    # customers.reveal is checked in the service, so that a refusal is audited.
    ("POST", "api/v1/customers/<int:customer_id>/reveal"): "customers.view",
    ("POST", "api/v1/schedules/preview"): AUTHENTICATED,  # pure calculation, nothing stored
    ("GET", "api/v1/loans/lines"): "loans.view",
    ("POST", "api/v1/loans/lines"): "loans.manage",
    ("GET", "api/v1/loans/lines/{line_id}"): "loans.view",
    ("POST", "api/v1/loans/lines/{line_id}/adjustments"): "loans.manage",  # four eyes in service
    ("POST", "api/v1/loans/lines/{line_id}/drawdowns"): "loans.manage",
    ("GET", "api/v1/loans/{loan_id}"): "loans.view",
    ("GET", "api/v1/loans/{loan_id}/schedule"): "loans.view",
    ("GET", "api/v1/loans/{loan_id}/journal"): "loans.view",
    ("GET", "api/v1/loans/{loan_id}/payments"): "loans.view",
    ("POST", "api/v1/loans/{loan_id}/payments"): "loans.post_payment",
    ("POST", "api/v1/loans/{loan_id}/write-off"): "loans.manage",  # four eyes in service
    ("POST", "api/v1/loans/payments/{payment_id}/reversal"): "loans.post_payment",
    ("POST", "api/v1/loans/reconciliation"): "loans.post_payment",
    ("GET", "api/v1/loans/eod"): "loans.view",
    ("GET", "api/v1/scorecards"): "scoring.view",
    ("GET", "api/v1/scorecards/{version_id}"): "scoring.view",
    ("POST", "api/v1/scorecards/{version_id}/score"): "scoring.manage",
    ("POST", "api/v1/decisions/pre-screen"): "decisions.run",  # application read in its scope
    ("GET", "api/v1/decisions/{record_id}"): "decisions.view",  # scoped by the application
    ("POST", "api/v1/payments/webhook"): PUBLIC,  # authenticated by the channel's HMAC signature
    ("POST", "api/v1/payments/webhook/batch"): PUBLIC,  # the same, over a batch of notices
    ("POST", "api/v1/leads"): PUBLIC,  # authenticated by the channel's X-API-Key
    ("POST", "api/v1/leads/bulk"): PUBLIC,  # authenticated by the channel's X-API-Key
    ("GET", "api/v1/sales/tasks"): "sales.view",
    ("POST", "api/v1/leads/{lead_id}/follow-ups"): "sales.view",
    ("POST", "api/v1/leads/{lead_id}/stage"): "sales.view",
}


for _app in _APPS_WITH_OWN_POLICY:
    _declared = importlib.import_module(f"lendcrm.{_app}.access")
    PAGE_POLICY.update(_declared.PAGE_POLICY)
    API_POLICY.update(_declared.API_POLICY)

DENIED_HEADER = "X-Lendcrm-Denied"  # set on refusals by the policy itself (not by a view)


def requirement_for_page(view_name: str | None) -> str | None:
    return PAGE_POLICY.get(view_name or "")


_ROUTE_PARAM = re.compile(r"<(?:[^>:]+:)?([^>]+)>|\{(?:[^}:]+:)?([^}]+)\}")


def canonical_route(route: str) -> str:
    """`api/v1/x/<int:pk>/` and `api/v1/x/{pk}/` both become `api/v1/x/{pk}`."""
    return _ROUTE_PARAM.sub(lambda m: "{" + (m[1] or m[2]) + "}", route).strip("/")


@lru_cache(maxsize=1)
def _api_policy_index() -> dict[tuple[str, str], str]:
    return {
        (method.upper(), canonical_route(route)): req for (method, route), req in API_POLICY.items()
    }


def requirement_for_api(method: str, route: str) -> str | None:
    return _api_policy_index().get((method.upper(), canonical_route(route)))


def is_allowed(user: Any, requirement: str | None) -> bool:
    if requirement is None:
        return False
    if requirement == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return requirement == AUTHENTICATED or can(user, requirement)
