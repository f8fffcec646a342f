"""Reading the fields of a resident ID card (居民身份证) from OCR text lines: pure, no engine.

The OCR engine returns text lines in reading order. A label (姓名, 性别, ...) may come on its
own line or glued to its value ("姓名张伟", "性别男民族汉"), and a value may run over several
lines (住址). So every line is cut at the labels it contains, and each piece of text belongs to
the last label seen before it; the pieces of one label are joined and then normalised.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any, Final, Literal

Side = Literal["front", "back"]

FRONT_LABELS: Final = {
    "姓名": "name",
    "性别": "sex",
    "民族": "ethnicity",
    "出生": "birth_date",
    "住址": "address",
    "公民身份号码": "id_number",
}
BACK_LABELS: Final = {"签发机关": "issuing_authority", "有效期限": "validity"}
# Fields that a reader compares to what is printed (accuracy is measured over these).
FRONT_FIELDS: Final = ("name", "sex", "ethnicity", "birth_date", "address", "id_number")
BACK_FIELDS: Final = ("issuing_authority", "valid_from", "valid_until")

_ID_NUMBER = re.compile(r"[1-9]\d{16}[\dX]")
_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_DOT_DATE = re.compile(r"(\d{4})[.\-/年]?(\d{2})[.\-/月]?(\d{2})")
_NAME_CHARS = re.compile(r"[^\u3400-\u9fff·]")
_NOISE = re.compile(r"[\s:：,，]")


@dataclass(frozen=True)
class IdCardFields:
    """What one side of an ID card says. Dates are dates; absent values are "" or None."""

    side: Side
    name: str = ""
    sex: str = ""  # "男" or "女", as printed
    ethnicity: str = ""
    birth_date: date | None = None
    address: str = ""
    id_number: str = ""
    issuing_authority: str = ""
    valid_from: date | None = None
    valid_until: date | None = None  # None with valid_long_term: 长期
    valid_long_term: bool = False

    def is_empty(self) -> bool:
        names = FRONT_FIELDS if self.side == "front" else BACK_FIELDS
        return not any(getattr(self, n) for n in names) and not self.valid_long_term

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("birth_date", "valid_from", "valid_until"):
            value = data[name]
            data[name] = value.isoformat() if value else None
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IdCardFields:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in ("birth_date", "valid_from", "valid_until"):
            if values.get(name):
                values[name] = date.fromisoformat(values[name])
        return cls(**values)


def parse_id_card(lines: list[str], *, side: Side) -> IdCardFields | None:
    """The fields of one side, or None when the lines hold nothing recognisable."""
    result = parse_front(lines) if side == "front" else parse_back(lines)
    return None if result.is_empty() else result


def parse_front(lines: list[str]) -> IdCardFields:
    pieces = _pieces_by_label(lines, FRONT_LABELS)
    text = "".join(_clean(line) for line in lines)
    return IdCardFields(
        side="front",
        name=_NAME_CHARS.sub("", pieces.get("name", ""))[:20],
        sex=_sex(pieces.get("sex", "")),
        ethnicity=_ethnicity(pieces.get("ethnicity", "")),
        birth_date=_cn_date(pieces.get("birth_date", "")) or _cn_date(text),
        address=pieces.get("address", "")[:100],
        id_number=_id_number(pieces.get("id_number", "")) or _id_number(text),
    )


def parse_back(lines: list[str]) -> IdCardFields:
    pieces = _pieces_by_label(lines, BACK_LABELS)
    validity = pieces.get("validity", "")
    dates = [_date_or_none(*m.groups()) for m in _DOT_DATE.finditer(validity)]
    found = [d for d in dates if d is not None]
    long_term = "长期" in validity
    return IdCardFields(
        side="back",
        issuing_authority=pieces.get("issuing_authority", "")[:60],
        valid_from=found[0] if found else None,
        valid_until=found[1] if len(found) > 1 and not long_term else None,
        valid_long_term=long_term,
    )


def _clean(line: str) -> str:
    return _NOISE.sub("", line)


def _pieces_by_label(lines: list[str], labels: dict[str, str]) -> dict[str, str]:
    """Each label's text: everything after it up to the next label, over line breaks.

    Labels come in card order, so a label word before the current one is part of a value
    (住址 "民族大道100号" does not start a new 民族).
    """
    pattern = re.compile("|".join(re.escape(label) for label in labels))
    order = {name: index for index, name in enumerate(labels.values())}
    pieces: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        text = _clean(line)
        position = 0
        for match in pattern.finditer(text):
            if current is not None and order[labels[match.group()]] <= order[current]:
                continue
            if current is not None and match.start() > position:
                pieces.setdefault(current, []).append(text[position : match.start()])
            current = labels[match.group()]
            pieces.setdefault(current, [])
            position = match.end()
        if current is not None and position < len(text):
            pieces.setdefault(current, []).append(text[position:])
    return {name: "".join(parts) for name, parts in pieces.items()}


def _sex(value: str) -> str:
    for char in value:
        if char in "男女":
            return char
    return ""


def _ethnicity(value: str) -> str:
    value = re.sub(r"[^\u3400-\u9fff]", "", value)
    return value[:10]


def _cn_date(value: str) -> date | None:
    match = _CN_DATE.search(value)
    return _date_or_none(*match.groups()) if match else None


def _date_or_none(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _id_number(value: str) -> str:
    value = value.upper().replace("×", "X")
    match = _ID_NUMBER.search(value)
    return match.group() if match else ""
