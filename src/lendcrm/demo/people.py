"""Who a demo person is: name, sex, birth date, ID number, mobile number, home and residence."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from lendcrm.core.cn_ids import id_check_char
from lendcrm.demo.data.divisions import CITIES, Division
from lendcrm.demo.data.names import (
    GIVEN_CHARS,
    GIVEN_NAMES,
    SOUTHERN_SURNAMES,
    SURNAMES,
    era_of,
)
from lendcrm.demo.data.places import (
    COMPLEXES,
    EMAIL_DOMAINS,
    MOBILE_PREFIXES,
    STREETS,
    TOWNS,
    VILLAGES,
)
from lendcrm.demo.sampling import Weighted, below, between, one_of, zipf

PERSONS_PER_INDEX = 8  # a customer and up to 7 people behind other leads share one index


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    gender: str  # "M" or "F", as in customers.choices.Gender
    birth_date: date
    id_number: str
    mobile: str
    home: Division  # where the ID number was issued (户籍)
    residence: Division  # where the person lives now


_HOME = Weighted(
    (division, city.weight / len(city.divisions)) for city in CITIES for division in city.divisions
)
_CITY_OF = {(c.province, c.city): c for c in CITIES}
_HUBS = Weighted((city, city.weight) for city in CITIES if city.tier <= 2)
_REGIONAL_HUBS = {
    region: Weighted((c, c.weight) for c in CITIES if c.tier <= 2 and c.region == region)
    for region in {c.region for c in CITIES if c.tier <= 2}
}
_SURNAMES = Weighted(SURNAMES)
_SOUTHERN = Weighted((s, w * (2.2 if s in SOUTHERN_SURNAMES else 0.7)) for s, w in SURNAMES)
_GIVEN = {key: zipf(names) for key, names in GIVEN_NAMES.items()}
_MOBILE_PREFIXES = Weighted(MOBILE_PREFIXES)
_EMAIL_DOMAINS = Weighted(EMAIL_DOMAINS)
# Age of applicants in years: few under 22, most between 25 and 45.
_AGE_BANDS = Weighted(
    [((20, 24), 10), ((25, 29), 21), ((30, 34), 22), ((35, 39), 18), ((40, 44), 12),
     ((45, 49), 9), ((50, 54), 5), ((55, 59), 3)]
)  # fmt: skip
_MOBILE_SPACE = 100_000_000


def generate_person(rng: random.Random, *, person_no: int, as_of: date) -> Person:
    """One person; `person_no` is unique per person of a seed and keeps mobile numbers unique."""
    home = _HOME.pick(rng)
    gender = "M" if rng.random() < 0.58 else "F"
    low, high = _AGE_BANDS.pick(rng)
    birth = as_of - timedelta(days=int((low + rng.random() * (high - low + 1)) * 365.2425))
    return Person(
        name=_surname(rng, home) + _given_name(rng, gender, birth.year),
        gender=gender,
        birth_date=birth,
        id_number=make_id_number(home.code, birth, below(rng, 50) * 2 + (gender == "M")),
        mobile=make_mobile(rng, person_no),
        home=home,
        residence=_residence(rng, home),
    )


def make_id_number(region_code: str, birth: date, sequence: int) -> str:
    """GB 11643: region, birth date, a 3-digit sequence whose parity is the sex, check char."""
    first17 = f"{region_code}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence:03d}"
    return first17 + id_check_char(first17)


def make_mobile(rng: random.Random, person_no: int) -> str:
    """A carrier prefix and 8 digits that are a fixed permutation of the person number.

    Both affine steps use multipliers coprime with 10^8 and digit reversal is a bijection, so
    distinct person numbers below 10^8 never share a subscriber number.
    """
    scrambled = (person_no * 40_503_211 + 7_919) % _MOBILE_SPACE
    scrambled = int(f"{scrambled:08d}"[::-1])
    scrambled = (scrambled * 2_654_437 + 12_345_678) % _MOBILE_SPACE
    return _MOBILE_PREFIXES.pick(rng) + f"{scrambled:08d}"


def make_email(rng: random.Random) -> str:
    domain = _EMAIL_DOMAINS.pick(rng)
    if domain == "qq.com":
        return f"{between(rng, 10_000_000, 2_999_999_999)}@qq.com"
    letters = "".join(one_of(rng, "abcdefghijklmnopqrstuvwxyz") for _ in range(between(rng, 4, 8)))
    return f"{letters}{between(rng, 100, 9998)}@{domain}"


def make_address(rng: random.Random, division: Division) -> str:
    street = one_of(rng, STREETS)
    complex_name = one_of(rng, COMPLEXES)
    room = f"{between(rng, 1, 28)}{between(rng, 1, 4):02d}"
    return (
        f"{division.full_name}{street}{between(rng, 1, 999)}号{complex_name}"
        f"{between(rng, 1, 30)}栋{between(rng, 1, 4)}单元{room}室"
    )


def make_hukou_address(rng: random.Random, division: Division) -> str:
    if division.district.endswith(("县", "市")) or rng.random() < 0.35:
        village = f"{one_of(rng, TOWNS)}{one_of(rng, VILLAGES)}村"
        return f"{division.full_name}{village}{between(rng, 1, 200)}号"
    return f"{division.full_name}{one_of(rng, STREETS)}{between(rng, 1, 999)}号"


def _surname(rng: random.Random, home: Division) -> str:
    southern = home.region == "华南" or home.province == "福建省"
    return (_SOUTHERN if southern else _SURNAMES).pick(rng)


def _given_name(rng: random.Random, gender: str, birth_year: int) -> str:
    if rng.random() < 0.7:
        return _GIVEN[(gender, era_of(birth_year))].pick(rng)
    first, second = GIVEN_CHARS[gender]
    name = one_of(rng, first) + one_of(rng, second)
    return name if name[0] != name[1] else name[0]


def _residence(rng: random.Random, home: Division) -> Division:
    """Most people live where they were registered; movers go to the big cities."""
    draw = rng.random()
    if draw < 0.62:
        return home
    if draw < 0.74 or home.tier == 1:
        city = _CITY_OF[(home.province, home.city)]
    elif draw < 0.87 and home.region in _REGIONAL_HUBS:
        city = _REGIONAL_HUBS[home.region].pick(rng)
    else:
        city = _HUBS.pick(rng)
    return one_of(rng, city.divisions)
