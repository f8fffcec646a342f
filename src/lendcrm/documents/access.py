"""Who may call the documents pages and API operations (merged into identity.access)."""

from __future__ import annotations

# Reads are further limited to applications in the caller's data scope (404 outside it);
# every view of a file is audited.
PAGE_POLICY: dict[str, str] = {
    "documents:application": "applications.view",
    "documents:upload": "applications.create",
    "documents:file": "applications.view",
}

API_POLICY: dict[tuple[str, str], str] = {
    ("GET", "api/v1/documents/applications/<int:application_id>"): "applications.view",
    ("POST", "api/v1/documents/applications/<int:application_id>"): "applications.create",
}
