"""Every demo user signs in and sees exactly the navigation their role allows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lendcrm.demo.org import DEMO_USERS, DemoUser
from lendcrm.identity.access import AUTHENTICATED, PUBLIC, requirement_for_page
from lendcrm.identity.models import User
from lendcrm.identity.policy import ROLE_CAPABILITIES
from lendcrm.ui.navigation import NAV_ITEMS, NavItem, url_of

pytestmark = pytest.mark.e2e


def _role_may(demo_user: DemoUser, requirement: str | None) -> bool:
    return requirement in (None, PUBLIC, AUTHENTICATED) or (
        requirement in ROLE_CAPABILITIES[demo_user.role]
    )


def _expected_keys(demo_user: DemoUser) -> list[str]:
    """Straight from the declarations: NAV_ITEMS, identity.policy and the routed URLs."""

    def shown(item: NavItem) -> bool:
        requirement = requirement_for_page(item.url_name)
        return (
            url_of(item) is not None
            and requirement is not None
            and _role_may(demo_user, item.capability)
            and _role_may(demo_user, requirement)
        )

    return [item.key for item in NAV_ITEMS if shown(item)]


def _navigation_seen_by(page: Page, demo_user: DemoUser) -> list[str]:
    nav = page.locator("#main-nav")
    expect(nav).to_be_visible()
    expect(page.locator("[data-user-name]")).to_have_text(demo_user.display_name)
    expect(page.locator("[data-user-roles]")).to_contain_text(str(demo_user.role.label))
    keys: list[str] = nav.locator("[data-nav]").evaluate_all(
        "links => links.map(a => a.dataset.nav)"
    )
    return keys


def test_every_demo_user_sees_exactly_the_navigation_of_their_role(
    demo_users: dict[str, User],
    page: Page,
    login_as: Callable[..., Page],
    artifact: Callable[[str], Path],
) -> None:
    seen: dict[str, list[str]] = {}
    for demo_user in DEMO_USERS:  # one database for all 16 sign-ins keeps this test quick
        page.context.clear_cookies()
        login_as(demo_user.username)
        seen[demo_user.username] = _navigation_seen_by(page, demo_user)
        page.screenshot(path=artifact(f"nav-{demo_user.username}.png"))

    assert seen == {u.username: _expected_keys(u) for u in DEMO_USERS}
    assert {keys[0] for keys in seen.values()} == {"home"}
