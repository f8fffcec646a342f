"""The home dashboard in a real browser: figures, charts, language switch and sign-out."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from lendcrm.customers.models import Customer
from lendcrm.demo.services import SeedResult, seed_demo
from tests.e2e.conftest import DEMO_SEED

pytestmark = pytest.mark.e2e

# LENDCRM_UPDATE_SCREENSHOT=1 refreshes docs/screenshot.png (committed, shown in the README).
UPDATE_SCREENSHOT = os.environ.get("LENDCRM_UPDATE_SCREENSHOT") == "1"
SCREENSHOT_CUSTOMERS = 600


def _wait_for_charts(page: Page) -> None:
    charts = page.locator("[data-chart]")
    expect(charts.first).to_be_visible()
    expect(page.locator("[data-chart-ready]")).to_have_count(charts.count())


def test_admin_dashboard_shows_the_seeded_figures_and_charts(
    seeded_demo: SeedResult, login_as: Callable[..., Page], artifact: Callable[[str], Path]
) -> None:
    page = login_as("admin")

    _wait_for_charts(page)
    expect(page.locator("h1.page-title")).to_have_text("工作台")
    expect(page.locator('[data-kpi="customers"] [data-kpi-value]')).to_have_text(
        f"{Customer.objects.count():,}"
    )
    expect(page.locator("[data-kpi]")).to_have_count(4)
    expect(page.locator('[data-chart="leadsByChannel"] svg').first).to_be_visible()
    page.screenshot(path=artifact("dashboard-admin.png"))


@pytest.mark.skipif(not UPDATE_SCREENSHOT, reason="set LENDCRM_UPDATE_SCREENSHOT=1 to refresh it")
def test_refresh_the_readme_screenshot(
    seeded_demo: SeedResult, login_as: Callable[..., Page]
) -> None:
    seed_demo(customers=SCREENSHOT_CUSTOMERS, seed=DEMO_SEED)  # tops the small demo set up
    page = login_as("admin")

    _wait_for_charts(page)
    page.screenshot(path=Path(settings.REPO_DIR) / "docs" / "screenshot.png")


def test_switching_to_english_keeps_the_user_on_the_page(
    demo_users: object, login_as: Callable[..., Page]
) -> None:
    page = login_as("sales1")

    page.click("#language-menu")
    page.click('button[name="language"][value="en"]')

    expect(page.locator("h1.page-title")).to_have_text("Dashboard")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator('#main-nav [data-nav="customers"]')).to_have_text("Customers")


def test_signing_out_returns_to_the_login_page(
    demo_users: object, login_as: Callable[..., Page]
) -> None:
    page = login_as("auditor")

    page.click("#user-menu")
    page.click("#logout-form button[type=submit]")

    expect(page).to_have_url(re.compile(r"/login/$"))
    page.goto("/")
    expect(page.locator("#login-form")).to_be_visible()
