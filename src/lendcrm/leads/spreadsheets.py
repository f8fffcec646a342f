"""Reading lead spreadsheets (.xlsx through calamine, or CSV) and guessing their columns."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
CSV_ENCODINGS = ("utf-8-sig", "gb18030")

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "客户姓名", "名字", "name", "full name", "customer name"),
    "mobile": ("手机号", "手机", "手机号码", "电话", "联系电话", "mobile", "phone", "mobile phone"),
    "id_number": ("身份证号", "身份证", "身份证号码", "证件号码", "id_number", "id number", "id"),
    "city": ("城市", "所在城市", "city"),
    "requested_amount": ("意向金额", "申请金额", "借款金额", "金额", "amount", "requested_amount"),
    "purpose": ("借款用途", "用途", "purpose"),
    "campaign": ("活动", "活动名称", "campaign"),
    "consent": ("授权", "是否授权", "已授权", "consent"),
    "consent_at": ("授权时间", "consent_at", "consent time"),
}


class SpreadsheetError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def detect_format(head: bytes) -> str:
    """ "xlsx" or "csv" from the file's first bytes, whatever its name claims."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        raise SpreadsheetError(_("不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV 后再导入"))
    if not head.strip() or b"\x00" in head:
        raise SpreadsheetError(_("文件不是电子表格（需要 .xlsx 或 CSV）"))
    for encoding in CSV_ENCODINGS:
        try:
            head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut at the end of the sample
                return "csv"
            continue
        return "csv"
    raise SpreadsheetError(_("文件不是电子表格（需要 .xlsx 或 CSV）"))


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """{field: column index} for the headers we recognise, Chinese or English."""
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = header.strip().lower().replace("*", "")
        for field_name, aliases in HEADER_ALIASES.items():
            if key in aliases and field_name not in mapping:
                mapping[field_name] = index
    return mapping


Row = tuple[int, list[Any]]


def read_rows(path: Path) -> Iterator[Row]:
    """(row number as the user sees it, cell values), header row included."""
    return read_sheet(path)[1]


def read_sheet(path: Path) -> tuple[int | None, Iterator[Row]]:
    """The estimated number of data rows (as `count_data_rows`) and the rows, reading once.

    The sheet is parsed when this is called, so a damaged file raises SpreadsheetError here.
    """
    if _is_xlsx(path):
        return _xlsx_sheet(path)
    return _csv_line_count(path), _csv_rows(path)


def _is_xlsx(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(8).startswith(XLSX_MAGIC)


def _xlsx_sheet(path: Path) -> tuple[int | None, Iterator[Row]]:
    """The first sheet through calamine (Rust): about 15 times less CPU than openpyxl.

    The grid starts at A1 whatever the sheet's used range (`skip_empty_area=False`), so row
    numbers and column indexes are those the user sees. Cells come back as openpyxl gave them
    in read-only mode: None for an empty cell, a datetime for a date.
    """
    try:
        with CalamineWorkbook.from_path(str(path)) as workbook:
            sheet = workbook.get_sheet_by_index(0)
            grid = sheet.to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError) as exc:
        raise SpreadsheetError(_("无法读取 Excel 文件，文件可能已损坏")) from exc
    return max(0, len(grid) - 1), _grid_rows(grid)


def _grid_rows(grid: list[list[Any]]) -> Iterator[Row]:
    for number, values in enumerate(grid, start=1):
        yield number, [_cell(value) for value in values]


def _cell(value: Any) -> Any:
    if value == "":
        return None
    if type(value) is date:  # a date-formatted cell without a time; openpyxl gave a datetime
        return datetime.combine(value, time())
    return value


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    encoding = _csv_encoding(path)
    with path.open(newline="", encoding=encoding) as handle:
        for number, values in enumerate(csv.reader(handle), start=1):
            yield number, list(values)


def _csv_encoding(path: Path) -> str:
    data = path.read_bytes()
    for encoding in CSV_ENCODINGS:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise SpreadsheetError(_("CSV 文件编码无法识别（需要 UTF-8 或 GBK）"))


def count_data_rows(path: Path) -> int | None:
    """The number of rows below the header (blank rows counted); None if the file is unreadable.

    Only an estimate for the progress bar; the final total is the number of rows actually read.
    """
    try:
        return read_sheet(path)[0]
    except SpreadsheetError:
        return None


def _csv_line_count(path: Path) -> int:
    with path.open("rb") as handle:
        return max(0, sum(1 for _line in handle) - 1)
