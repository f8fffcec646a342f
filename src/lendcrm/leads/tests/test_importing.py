"""Imports: checked uploads, header guessing, outcomes that add up, the error report, the CLI."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from lendcrm.core.errors import DomainError
from lendcrm.customers.tests.factories import CustomerFactory, valid_id_number, valid_mobile
from lendcrm.leads.choices import ImportStatus
from lendcrm.leads.models import Channel, Lead, LeadImport
from lendcrm.leads.services import importing
from lendcrm.leads.spreadsheets import SpreadsheetError, guess_mapping

pytestmark = pytest.mark.django_db
HEADERS = ["姓名", "手机号", "身份证号", "城市", "意向金额", "授权"]


def _xlsx(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(channel: Channel, data: bytes, name: str = "leads.xlsx") -> LeadImport:
    return importing.create_import(
        channel=channel, upload=io.BytesIO(data), file_name=name, size=len(data)
    )


def _run(channel: Channel, data: bytes, name: str = "leads.xlsx") -> LeadImport:
    lead_import = _upload(channel, data, name)
    return importing.start_import(lead_import, mapping=lead_import.mapping)


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def test_headers_in_chinese_or_english_are_recognised() -> None:
    assert guess_mapping(["Name", "手机号码", "ID Number", "备注", "金额"]) == {
        "name": 0,
        "mobile": 1,
        "id_number": 2,
        "requested_amount": 4,
    }


@pytest.mark.smoke
def test_every_row_ends_in_exactly_one_outcome(
    channel: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    customer = CustomerFactory(mobile=valid_mobile(555), id_number=valid_id_number(555))
    rows = [
        ["王一", valid_mobile(1), valid_id_number(1), "上海", 30000, "是"],
        ["王二", valid_mobile(2), "", "上海", "", "是"],
        ["王三", customer.mobile, "", "", "", "是"],  # an existing customer
        ["王一", valid_mobile(1), "", "", "", "是"],  # the first row again
        ["", valid_mobile(5), "", "", "", "是"],  # no name
        ["王六", "123", "", "", "", "是"],  # bad phone
        [None, None, None, None, None, None],  # a blank line is not a row
        ["王七", valid_mobile(7), "110105199001011230", "", "", "是"],  # wrong check digit
    ]

    with django_capture_on_commit_callbacks(execute=True):
        started = _run(channel, _xlsx(rows))
    done = LeadImport.objects.get(pk=started.pk)

    assert done.status == ImportStatus.COMPLETED
    assert (done.imported, done.duplicates, done.rejected) == (2, 2, 3)
    assert done.imported + done.duplicates + done.rejected == done.total_rows == 7
    assert Lead.objects.filter(lead_import=done).count() == 4


def test_the_error_report_gives_each_rejected_row_its_number_and_reason(
    channel: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [["王一", valid_mobile(1), "", "", "", "是"], ["", "12", "", "", "abc", "是"]]

    with django_capture_on_commit_callbacks(execute=True):
        started = _run(channel, _xlsx(rows))
    done = LeadImport.objects.get(pk=started.pk)

    report = list(csv.reader(io.StringIO(importing.error_report_bytes(done).decode("utf-8-sig"))))
    assert report[0] == ["行号", "字段", "原因"]
    assert report[1][:2] == ["3", "name, mobile, requested_amount"]
    assert "姓名不能为空" in report[1][2]
    assert len(report) == 2


def test_a_csv_file_in_gbk_is_imported(
    channel: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    text = f"姓名,手机号,城市\n李四,{valid_mobile(3)},杭州\n"

    with django_capture_on_commit_callbacks(execute=True):
        started = _run(channel, text.encode("gb18030"), name="leads.csv")
    done = LeadImport.objects.get(pk=started.pk)

    assert (done.imported, done.rejected) == (1, 0)
    assert Lead.objects.get().city == "杭州"


def test_a_file_that_is_not_a_spreadsheet_is_refused(channel: Channel) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

    with pytest.raises(DomainError) as caught:
        _upload(channel, png, name="leads.xlsx")

    assert caught.value.problems[0].field == "file"
    assert LeadImport.objects.count() == 0


def test_a_file_over_10_mb_is_refused(channel: Channel) -> None:
    with pytest.raises(DomainError, match="10 MB"):
        importing.create_import(
            channel=channel,
            upload=io.BytesIO(b"x"),
            file_name="big.csv",
            size=importing.MAX_IMPORT_BYTES + 1,
        )


def test_a_sheet_without_name_and_mobile_columns_is_refused(channel: Channel) -> None:
    lead_import = _upload(channel, _xlsx([["a", "b"]], headers=["编号", "备注"]))

    with pytest.raises(DomainError, match="缺少必需的列") as caught:
        importing.start_import(lead_import, mapping=lead_import.mapping)

    assert caught.value.problems[0].field == "mapping"


def test_the_command_line_prints_the_summary_as_json(channel: Channel, tmp_path: Path) -> None:
    path = tmp_path / "expo.xlsx"
    path.write_bytes(
        _xlsx([["王一", valid_mobile(1), "", "", "", "是"], ["x", "1", "", "", "", ""]])
    )
    out = io.StringIO()

    call_command("leads", "import", str(path), "--channel", channel.code, "--json", stdout=out)

    result = json.loads(out.getvalue())
    assert (result["imported"], result["duplicates"], result["rejected"]) == (1, 0, 1)
    assert Path(result["error_report"]).is_file()


def test_an_error_while_preparing_in_the_thread_is_raised_in_the_importing_thread() -> None:
    def work() -> Iterator[Any]:
        yield "first"
        raise SpreadsheetError("坏了")

    batches = importing._in_thread(work())

    assert next(batches) == "first"
    with pytest.raises(SpreadsheetError, match="坏了"):
        next(batches)


def test_the_preparing_thread_stops_when_the_import_gives_up() -> None:
    def endless() -> Iterator[Any]:
        while True:
            yield threading.current_thread()

    with closing(importing._in_thread(endless())) as batches:
        worker = next(batches)
    worker.join(timeout=5)

    assert not worker.is_alive()
