"""Who may call the reviews pages and API operations (merged into identity.access)."""

from __future__ import annotations

PAGE_POLICY: dict[str, str] = {
    "reviews:queue": "applications.review",  # mine / pool; the team view needs applications.assign
    "reviews:claim": "applications.review",
    "reviews:release": "applications.review",  # own tasks only (service)
    "reviews:reassign": "applications.assign",
    "reviews:rules": "applications.assign",  # supervisors configure assignment rules
    "reviews:workspace": "applications.review",  # scoped through the application
    "reviews:opinion": "applications.review",  # the task's assignee only (service)
    "reviews:call": "applications.review",
    "reviews:phone_check": "applications.review",
}

API_POLICY: dict[tuple[str, str], str] = {
    ("GET", "api/v1/reviews/tasks"): "applications.review",
    ("POST", "api/v1/reviews/tasks/{task_id}/claim"): "applications.review",
    ("POST", "api/v1/reviews/tasks/{task_id}/release"): "applications.review",
    ("POST", "api/v1/reviews/tasks/{task_id}/opinion"): "applications.review",
}
