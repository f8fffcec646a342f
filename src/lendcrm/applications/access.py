"""Who may call the application pages and API operations (merged into identity.access)."""

from __future__ import annotations

from lendcrm.identity.policy import PUBLIC

PAGE_POLICY: dict[str, str] = {
    "applications:list": "applications.view",
    "applications:detail": "applications.view",  # scoped by the application
    "applications:new": "applications.create",
    "applications:edit": "applications.create",
    "applications:submit": "applications.create",
    "applications:cancel": "applications.create",
    "applications:h5_link": "applications.create",
    "applications:h5": PUBLIC,  # the customer's own page: a signed, expiring link
}

API_POLICY: dict[tuple[str, str], str] = {
    ("GET", "api/v1/applications"): "applications.view",
    ("POST", "api/v1/applications"): "applications.create",
    ("GET", "api/v1/applications/{application_id}"): "applications.view",
    ("POST", "api/v1/applications/{application_id}/submit"): "applications.create",
}
