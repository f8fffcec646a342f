"""Journey: a sales manager imports leads from Excel (good, duplicate and bad rows), downloads
the error report and sees the leads assigned; the sales rep follows one up, moves it along the
pipeline on the kanban board, and the conversion funnel changes accordingly."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from lendcrm.core import clock
from lendcrm.core.masking import mask_mobile
from lendcrm.customers.tests.factories import valid_mobile
from lendcrm.demo.services import SeedResult
from lendcrm.identity.models import User
from lendcrm.leads.choices import AssignmentStrategy
from lendcrm.leads.models import AssignmentMember, AssignmentRule, Lead
from lendcrm.sales.queries import count_due_tasks

pytestmark = pytest.mark.e2e

CAMPAIGN = "E2E-车展-2024"
GOOD = [("赵一鸣", valid_mobile(910_001)), ("钱二娜", valid_mobile(910_002))]


def _workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "手机号", "城市"])
    sheet.append([GOOD[0][0], GOOD[0][1], "北京"])  # row 2: imported
    sheet.append([GOOD[1][0], GOOD[1][1], "北京"])  # row 3: imported
    sheet.append(["赵一鸣", GOOD[0][1], "北京"])  # row 4: the same mobile again (撞单)
    sheet.append(["孙三", "12345", "北京"])  # row 5: not a mobile number
    sheet.append(["", valid_mobile(910_005), "北京"])  # row 6: no name
    book.save(path)
    return path


def _funnel(page: Page, stage: str) -> str:
    return page.locator(f"#funnel-steps tr[data-stage={stage}] [data-reached]").inner_text()


def test_import_follow_up_pipeline_and_funnel(
    seeded_demo: SeedResult,
    login_as: Callable[..., Page],
    page: Page,
    artifact: Callable[[str], Path],
) -> None:
    sales1 = User.objects.get(username="sales1")
    rule = AssignmentRule.objects.create(strategy=AssignmentStrategy.ROUND_ROBIN)
    AssignmentMember.objects.create(rule=rule, agent=sales1)
    upload = _workbook(artifact("sales-flow-leads.xlsx"))
    today = clock.today().isoformat()
    funnel_url = f"/sales/funnel/?date_from={today}&date_to={today}&group_by=owner"

    # The manager imports the spreadsheet through the lead import pages.
    login_as("sales_manager")
    page.goto("/leads/imports/")
    page.set_input_files("#id_file", str(upload))
    page.select_option("#id_channel", index=1)
    page.fill("#id_campaign", CAMPAIGN)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/leads/imports/*/")
    page.get_by_role("button", name="开始导入").click()
    progress = page.locator("#import-progress")
    expect(progress).to_contain_text("已完成")
    expect(progress.locator("dd").nth(0)).to_have_text("2")
    expect(progress.locator("dd").nth(1)).to_have_text("1")
    expect(progress.locator("dd").nth(2)).to_have_text("2")

    with page.expect_download() as download_info:
        progress.get_by_role("link", name="下载错误报告").click()
    report = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(report)))
    assert rows[0] == ["行号", "字段", "原因"]
    assert [(row[0], row[1]) for row in rows[1:]] == [("5", "mobile"), ("6", "name")]

    page.goto(f"/leads/?campaign={CAMPAIGN}")
    table = page.locator("#lead-table")
    for name, mobile in GOOD:
        row = table.locator("tbody tr", has_text=name).first
        expect(row).to_contain_text("王晓明")
        expect(row).to_contain_text(mask_mobile(mobile))
    assert GOOD[0][1] not in page.content()
    page.screenshot(path=str(artifact("sales-flow-imported.png")))
    page.context.clear_cookies()

    # The rep sees the first-call tasks and the funnel before any follow-up.
    lead = Lead.objects.get(campaign=CAMPAIGN, name=GOOD[0][0], is_duplicate=False)
    login_as("sales1")
    due = count_due_tasks(sales1, now=clock.now())
    expect(page.locator("#task-badge [data-task-count]")).to_have_text(str(due.total))
    page.goto("/sales/tasks/?mine=1")
    for name, _mobile in GOOD:
        expect(
            page.locator("#task-list tr[data-task-kind=first_call]", has_text=name)
        ).to_have_count(1)
    page.goto(funnel_url)
    assert (_funnel(page, "new"), _funnel(page, "contacted")) == ("2", "0")

    # A refusal without a reason is refused next to the field; a real contact is logged.
    page.goto(f"/sales/leads/{lead.pk}/follow-up/")
    expect(page.locator("#stage-scripts")).to_contain_text("首呼开场白")
    page.select_option("#id_result", "refused")
    page.locator("#follow-up-form button[type=submit]").click()
    expect(page.locator("#id_refusal_reason_error")).to_contain_text("必须选择拒绝原因")
    page.select_option("#id_result", "connected")
    page.select_option("#id_intent_after", "B")
    page.fill("#id_note", "客户有装修资金需求，约下周提交材料")
    page.locator("#follow-up-form button[type=submit]").click()
    expect(page.locator("#lead-stage")).to_have_attribute("data-stage", "contacted")
    expect(page.locator("#follow-up-records")).to_contain_text("意向：— → B")
    page.screenshot(path=str(artifact("sales-flow-follow-up.png")))

    # On the kanban board: drag forward twice, move back with a reason, then forward again.
    page.goto("/sales/pipeline/")
    page.drag_and_drop(
        f"[data-lead-id='{lead.pk}']", ".board-column[data-stage=interested] [data-dropzone]"
    )
    expect(
        page.locator(f".board-column[data-stage=interested] [data-lead-id='{lead.pk}']")
    ).to_be_visible()
    page.drag_and_drop(
        f"[data-lead-id='{lead.pk}']", ".board-column[data-stage=preparing] [data-dropzone]"
    )
    card = page.locator(f".board-column[data-stage=preparing] [data-lead-id='{lead.pk}']")
    expect(card).to_be_visible()

    card.locator("summary").click()
    card.locator("select[name=to]").select_option("interested")
    card.get_by_role("button", name="移动").click()
    expect(page.locator("#board-error")).to_contain_text("退回上一阶段必须填写原因")
    card = page.locator(f".board-column[data-stage=preparing] [data-lead-id='{lead.pk}']")
    card.locator("summary").click()
    card.locator("select[name=to]").select_option("interested")
    card.locator("input[name=reason]").fill("客户材料暂未备齐")
    card.get_by_role("button", name="移动").click()
    expect(
        page.locator(f".board-column[data-stage=interested] [data-lead-id='{lead.pk}']")
    ).to_be_visible()
    for stage in ("preparing", "applied"):
        page.drag_and_drop(
            f"[data-lead-id='{lead.pk}']", f".board-column[data-stage={stage}] [data-dropzone]"
        )
        expect(
            page.locator(f".board-column[data-stage={stage}] [data-lead-id='{lead.pk}']")
        ).to_be_visible()
    page.screenshot(path=str(artifact("sales-flow-board.png")))

    # The funnel now shows the lead at every stage up to 已提交申请.
    page.goto(funnel_url)
    reached = [_funnel(page, s) for s in ("new", "contacted", "interested", "preparing", "applied")]
    assert reached == ["2", "1", "1", "1", "1"]
    expect(page.locator("#funnel-steps tr[data-stage=contacted] [data-rate]")).to_have_text("50%")
    expect(page.locator("[data-funnel-chart=funnel] svg")).to_be_visible()
    page.screenshot(path=str(artifact("sales-flow-funnel.png")))
