"""Reading spreadsheets: the rows and columns the user sees, whatever the sheet's used range."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from lendcrm.leads.spreadsheets import SpreadsheetError, count_data_rows, read_rows, read_sheet


def test_rows_and_columns_are_numbered_from_a1_with_empty_cells_as_none(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["B2"], sheet["C2"], sheet["D2"] = "姓名", "手机号", "授权时间"
    sheet["B3"], sheet["C3"], sheet["D3"] = "王一", 13800138000, datetime(2024, 5, 1, 10, 30)
    sheet["B5"], sheet["C5"], sheet["D5"] = "李二", "13900139000", date(2024, 5, 2)
    path = tmp_path / "leads.xlsx"
    workbook.save(path)

    rows = list(read_rows(path))

    assert [number for number, _values in rows] == [1, 2, 3, 4, 5]
    assert rows[0][1] == [None, None, None, None]
    assert rows[1][1] == [None, "姓名", "手机号", "授权时间"]
    assert rows[2][1] == [None, "王一", 13800138000, datetime(2024, 5, 1, 10, 30)]
    assert rows[3][1] == [None, None, None, None]
    assert rows[4][1] == [None, "李二", "13900139000", datetime(2024, 5, 2)]
    assert read_sheet(path)[0] == count_data_rows(path) == 4


def test_a_damaged_workbook_is_a_spreadsheet_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"not a zip archive" * 20)

    with pytest.raises(SpreadsheetError):
        read_sheet(path)
    assert count_data_rows(path) is None
