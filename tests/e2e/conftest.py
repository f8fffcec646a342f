"""Browser-test harness: Debian's Chromium driven by Playwright against pytest-django's live_server.

Fixtures for every journey test:
  browser       one headless Chromium for the session
  page          a fresh browser context (1280x800, zh-CN, Shanghai time) at live_server's URL;
                a test fails if the page raised a script error or violated the CSP
  demo_users    the 16 demo users, one per role (lendcrm.demo.org)
  seeded_demo   the demo users and a small, deterministic demo data set
  login_as      login_as("sales1") signs in through the login page and returns the page
  artifact      artifact("name.png") is a path under test-artifacts/e2e/ (gitignored)
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright

from lendcrm.demo.org import demo_password, ensure_demo_users
from lendcrm.demo.services import SeedResult, seed_demo
from lendcrm.identity.models import User
from lendcrm.ui.tests.translations import ensure_compiled_translations

# Playwright's sync API keeps an event loop running in the test thread; Django's ORM would
# otherwise refuse to run there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("LENDCRM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1280, "height": 800}
DEMO_CUSTOMERS = 60
DEMO_SEED = 7


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    ensure_compiled_translations()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url,
        viewport=VIEWPORT,  # type: ignore[arg-type]
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda error: errors.append(str(error)))
    new_page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield new_page
    context.close()
    assert errors == [], f"script errors or Content-Security-Policy violations: {errors}"


@pytest.fixture
def demo_users(transactional_db: None) -> dict[str, User]:
    restore_reference_data()
    return ensure_demo_users()


# Rows that data migrations install (default task rules, refusal reasons, tags). Flushing after
# each transactional test removes them, so they are put back before each browser test.
REFERENCE_DATA_MIGRATIONS = (
    ("lendcrm.sales.migrations.0002_default_rules_and_reasons", "create_defaults"),
    ("lendcrm.customers.migrations.0005_default_tags", "add_tags"),
    ("lendcrm.reviews.migrations.0002_default_rule", "add_default_rule"),
    ("lendcrm.approvals.migrations.0002_default_matrix", "seed"),
    ("lendcrm.contracts.migrations.0002_default_template", "seed"),
)


def restore_reference_data() -> None:
    for module_name, function_name in REFERENCE_DATA_MIGRATIONS:
        getattr(importlib.import_module(module_name), function_name)(django_apps, None)


@pytest.fixture
def seeded_demo(transactional_db: None) -> SeedResult:
    restore_reference_data()
    return seed_demo(customers=DEMO_CUSTOMERS, seed=DEMO_SEED)


@pytest.fixture
def login_as(page: Page) -> Callable[..., Page]:
    def login(username: str, password: str | None = None) -> Page:
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password or demo_password())
        page.click("#login-form button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    return login


@pytest.fixture
def artifact() -> Callable[[str], Path]:
    def path(name: str) -> Path:
        target = Path(settings.REPO_DIR) / "test-artifacts" / "e2e" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    return path
