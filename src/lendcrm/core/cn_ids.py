"""Chinese resident ID numbers (GB 11643-1999) and mobile numbers: pure validation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
PURPOSE_ID_NUMBER = "id_number"
PURPOSE_MOBILE = "mobile"
PURPOSE_BANK_CARD = "bank_card"


class InvalidIdentifier(ValueError):
    """The value breaks a rule; the message says which."""


@dataclass(frozen=True)
class IdNumberFacts:
    region_code: str
    birth_date: date
    gender: str  # "M" or "F"


def id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalise_id_number(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def parse_id_number(value: str, *, on: date | None = None) -> IdNumberFacts:
    """Validate an 18-character ID number and return the facts inside it."""
    number = normalise_id_number(value)
    if (
        len(number) != 18
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise InvalidIdentifier("must be 18 characters: 17 digits then a digit or X")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise InvalidIdentifier("contains an impossible birth date") from exc
    if birth.year < 1900 or birth > (on or date.today()):
        raise InvalidIdentifier("contains a birth date out of range")
    if number[:2] not in _PROVINCE_CODES:
        raise InvalidIdentifier("starts with an unknown region code")
    if id_check_char(number[:17]) != number[17]:
        raise InvalidIdentifier("check digit does not match (GB 11643)")
    gender = "M" if int(number[16]) % 2 else "F"
    return IdNumberFacts(region_code=number[:6], birth_date=birth, gender=gender)


def normalise_mobile(value: str) -> str:
    digits = re.sub(r"[\s\-()]", "", value.strip())
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def validate_mobile(value: str) -> str:
    number = normalise_mobile(value)
    if not _MOBILE.match(number):
        raise InvalidIdentifier("must be an 11-digit mainland mobile number starting 13–19")
    return number


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


_PROVINCE_CODES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    }
)
