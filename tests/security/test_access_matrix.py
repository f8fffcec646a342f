"""Generated role × route test: every route is declared, and the gate answers as declared."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lendcrm.identity.access import (
    API_POLICY,
    AUTHENTICATED,
    DENIED_HEADER,
    PAGE_POLICY,
    PUBLIC,
    canonical_route,
    requirement_for_api,
    requirement_for_page,
)
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.identity.policy import ROLE_CAPABILITIES
from lendcrm.identity.routes import Route, list_api_operations, list_pages
from lendcrm.identity.services import issue_api_token

pytestmark = pytest.mark.django_db


def _expected_allowed(role: Role, requirement: str) -> bool:
    return requirement in (PUBLIC, AUTHENTICATED) or requirement in ROLE_CAPABILITIES[role]


def test_every_page_is_declared_in_the_policy() -> None:
    undeclared = [p.view_name for p in list_pages() if requirement_for_page(p.view_name) is None]
    assert undeclared == []


def test_every_api_operation_is_declared_in_the_policy() -> None:
    undeclared = [
        f"{method} {op.route}"
        for op in list_api_operations()
        for method in op.methods
        if requirement_for_api(method, op.route) is None
    ]
    assert undeclared == []


def test_the_policy_names_no_route_that_does_not_exist() -> None:
    pages = {p.view_name for p in list_pages()}
    operations = {
        (method, canonical_route(op.route)) for op in list_api_operations() for method in op.methods
    }
    assert sorted(set(PAGE_POLICY) - pages) == []
    assert sorted({(m, canonical_route(r)) for m, r in API_POLICY} - operations) == []


def test_every_requirement_is_a_known_capability() -> None:
    known = set().union(*ROLE_CAPABILITIES.values()) | {PUBLIC, AUTHENTICATED}
    requirements = set(PAGE_POLICY.values()) | set(API_POLICY.values())
    assert requirements - known == set()


def _page_denied(client: Client, route: Route) -> bool:
    response = client.get(route.path())
    return response.get(DENIED_HEADER) == "policy"


def _api_denied(client: Client, token: str, route: Route, method: str) -> bool:
    response = client.generic(
        method,
        route.path(),
        data="{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code != 401, f"{method} {route.route}: token refused"
    return response.get(DENIED_HEADER) == "policy"


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_role_route_matrix(role: Role, make_user: Callable[..., User]) -> None:
    user = make_user(role)
    client = Client()
    client.force_login(user)
    token = issue_api_token(user).plaintext
    mismatches = []
    for page in list_pages():
        requirement = PAGE_POLICY[page.view_name]
        if requirement == PUBLIC:
            continue
        if _page_denied(client, page) == _expected_allowed(role, requirement):
            mismatches.append(f"page {page.view_name} ({requirement})")
    for op in list_api_operations():
        for method in op.methods:
            requirement = requirement_for_api(method, op.route) or ""
            if requirement == PUBLIC:
                continue
            if _api_denied(client, token, op, method) == _expected_allowed(role, requirement):
                mismatches.append(f"{method} {op.route} ({requirement})")
    assert mismatches == []


def test_anonymous_callers_are_sent_to_login_or_refused() -> None:
    client = Client()
    for page in list_pages():
        if PAGE_POLICY[page.view_name] == PUBLIC:
            continue
        response = client.get(page.path())
        assert response.status_code == 302, page.view_name
        assert response["Location"].startswith("/login/"), page.view_name
    for op in list_api_operations():
        for method in op.methods:
            if requirement_for_api(method, op.route) == PUBLIC:
                continue
            response = client.generic(method, op.path(), data="{}", content_type="application/json")
            assert response.status_code == 401, f"{method} {op.route}"
            assert response.json()["detail"]
