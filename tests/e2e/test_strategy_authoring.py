"""Strategy authoring in the browser: an analyst edits a decision-table cell of a draft, runs the
test panel and submits; a second analyst approves and publishes; a pre-screen through the API
then uses the new version, and the decision's page shows its reasons."""

from __future__ import annotations

import copy
import json
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lendcrm.decisions import services
from lendcrm.decisions.models import StrategyVersion
from lendcrm.decisions.tests.test_views import DEFINITION
from lendcrm.demo.org import demo_password
from lendcrm.identity.models import User

pytestmark = pytest.mark.e2e

APPLICANT = {"age": 23, "monthly_income": 9000, "monthly_debt": 1000}


def _live_strategy_with_a_draft(analyst: User, checker: User) -> StrategyVersion:
    """v1 published (declines under 22), v2 a draft copy of it."""
    strategy = services.create_strategy(
        code="e2e-prescreen", name="现金贷预审（测试）", acting_user=analyst
    )
    first = services.create_draft(
        strategy, definition=copy.deepcopy(DEFINITION), acting_user=analyst
    )
    services.submit_version(first, acting_user=analyst)
    services.approve_version(first, acting_user=checker)
    services.publish_version(first, acting_user=checker)
    return services.create_draft(strategy, definition=first.definition, acting_user=analyst)


def _post_json(url: str, body: dict[str, Any], token: str = "") -> dict[str, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    assert url.startswith("http://localhost:")  # the live test server, nothing else
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def _pre_screen(base_url: str) -> dict[str, Any]:
    credentials = {"username": "risk_analyst", "password": demo_password()}
    token = _post_json(f"{base_url}/api/v1/auth/token", credentials)["token"]
    body = {"strategy": "e2e-prescreen", "input": APPLICANT}
    return _post_json(f"{base_url}/api/v1/decisions/pre-screen", body, token)


def test_an_edited_draft_is_tested_approved_published_and_used(
    demo_users: dict[str, User],
    login_as: Callable[..., Page],
    live_server: Any,
    artifact: Callable[[str], Path],
) -> None:
    draft = _live_strategy_with_a_draft(demo_users["risk_analyst"], demo_users["risk_analyst2"])
    page = login_as("risk_analyst")
    page.on("dialog", lambda dialog: dialog.accept())

    # The analyst edits the hard-rules table: rows are added and removed in place (htmx) ...
    page.goto(f"/decisions/versions/{draft.pk}/")
    page.locator('[data-edit-step="hard"]').click()
    grid = page.locator("#decision-grid tbody tr")
    expect(grid).to_have_count(2)
    page.locator("#add-row").click()
    expect(grid).to_have_count(3)
    page.locator('button[value="remove_row:2"]').click()
    expect(grid).to_have_count(2)
    # ... Enter moves down a column, and a cell is changed: decline under 25 instead of 22.
    page.locator('[data-cell="0-in-0"]').press("Enter")
    expect(page.locator('[data-cell="1-in-0"]')).to_be_focused()
    page.locator('[data-cell="0-in-0"]').fill("[22..")
    page.locator("#save-table").click()
    expect(page.locator("#table-errors")).to_contain_text("第 1 行 · 条件列 1")
    expect(page.locator('[data-cell="0-in-0"]')).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=artifact("strategy-table-editor.png"), full_page=True)
    page.locator('[data-cell="0-in-0"]').fill("< 25")
    page.locator("#save-table").click()
    expect(page.locator('[data-step-table="hard"]')).to_contain_text("< 25")

    # The test panel runs the draft on a sample: the changed rule hits.
    page.locator("#open-test-panel").click()
    page.locator("#id_sample").fill(json.dumps(APPLICANT))
    page.locator("#run-test").click()
    expect(page.locator("#trace-outcome")).to_contain_text("拒绝")
    expect(page.locator("#trace-reasons")).to_contain_text("HR01")
    expect(page.locator('[data-trace-step="features"]')).to_contain_text("dti")
    page.screenshot(path=artifact("strategy-test-panel.png"))

    page.goto(f"/decisions/versions/{draft.pk}/")
    page.locator("#submit-version").click()
    expect(page.get_by_test_id("version-status")).to_have_text("待复核")
    expect(page.locator("#approve-version")).to_have_count(0)

    # A second analyst approves and publishes.
    page.context.clear_cookies()
    login_as("risk_analyst2")
    page.goto(f"/decisions/versions/{draft.pk}/")
    page.locator("#approve-version").click()
    expect(page.get_by_test_id("version-status")).to_have_text("已复核")
    page.locator("#publish-version").click()
    expect(page.get_by_test_id("version-status")).to_have_text("已发布")

    # A pre-screen through the API uses the new version, and its page shows the reasons.
    decision = _pre_screen(live_server.url)
    assert decision["version"] == draft.number
    assert decision["outcome"] == "decline"
    assert "HR01" in decision["reason_codes"]
    page.goto(f"/decisions/records/{decision['id']}/")
    expect(page.locator("#trace-outcome")).to_contain_text("拒绝")
    expect(page.locator("#trace-reasons")).to_contain_text("HR01")
    expect(page.locator('[data-trace-step="hard"]')).to_contain_text("too_young")
    expect(page.locator("#input-snapshot")).to_contain_text("monthly_income")
    page.screenshot(path=artifact("strategy-decision-record.png"))


def test_a_backtest_runs_from_the_browser_and_the_report_draws_its_chart(
    demo_users: dict[str, User], login_as: Callable[..., Page], artifact: Callable[[str], Path]
) -> None:
    analyst = demo_users["risk_analyst"]
    draft = _live_strategy_with_a_draft(analyst, demo_users["risk_analyst2"])
    table = copy.deepcopy(draft.definition)
    table["steps"][0]["table"]["rules"][0]["c_age"] = "< 25"
    services.update_draft(draft, definition=table, acting_user=analyst)
    services.pre_screen(acting_user=analyst, strategy_code="e2e-prescreen", payload=APPLICANT)
    rows = "age,monthly_income,monthly_debt,bad\n30,9000,1000,0\n23,9000,1000,1\n21,9000,1000,\n"
    page = login_as("risk_analyst")

    page.goto(f"/decisions/{draft.strategy_id}/simulations/")
    page.locator("#id_version").select_option(str(draft.number))
    page.locator("#id_file").set_input_files(
        files=[{"name": "cases.csv", "mimeType": "text/csv", "buffer": rows.encode()}]
    )
    page.locator("#start-simulation").click()
    expect(page.locator("#simulation-progress")).to_have_attribute("data-status", "completed")
    expect(page.locator('#simulation-matrix [data-cell="approve-decline"]')).to_contain_text("1")
    expect(page.locator("[data-decisions-chart]")).to_have_attribute("data-chart-ready", "true")
    page.screenshot(path=artifact("strategy-simulation.png"))

    page.goto(f"/decisions/{draft.strategy_id}/report/")
    expect(page.locator('#arm-table [data-arm="champion"]')).to_contain_text("1")
    expect(page.locator("[data-decisions-chart]")).to_have_attribute("data-chart-ready", "true")
