"""`lendcrm schedule`: the JSON shape, the table and the error messages."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

MORTGAGE = [
    "--principal",
    "1000000",
    "--annual-rate",
    "0.049",
    "--term",
    "360",
    "--method",
    "equal_installment",
    "--start-date",
    "2025-01-15",
]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("schedule", *args, stdout=out)
    return out.getvalue()


def test_json_is_one_object_with_amounts_as_strings() -> None:
    printed = json.loads(run(*MORTGAGE, "--json"))

    assert set(printed) == {
        "installments",
        "total_principal",
        "total_interest",
        "total_payment",
        "apr",
    }
    assert len(printed["installments"]) == 360
    assert printed["installments"][0] == {
        "period": 1,
        "due_date": "2025-02-15",
        "principal": "1223.94",
        "interest": "4083.33",
        "payment": "5307.27",
        "balance": "998776.06",
    }
    assert printed["installments"][-1]["balance"] == "0.00"
    assert printed["total_principal"] == "1000000.00"
    assert printed["total_interest"] == "910615.12"
    assert printed["total_payment"] == "1910615.12"
    assert printed["apr"] == "0.049000"


def test_table_has_a_row_per_installment_and_the_totals() -> None:
    lines = run(*MORTGAGE[:5], "12", *MORTGAGE[6:]).splitlines()

    assert lines[0].split() == ["期数", "还款日", "本金", "利息", "月供", "剩余本金"]
    assert lines[1].split()[:2] == ["1", "2025-02-15"]
    assert len(lines) == 14
    assert "年化利率(IRR) 4.9000%" in lines[-1]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--principal", "0", "--principal: must be greater than 0"),
        ("--principal", "-100", "--principal: must be greater than 0"),
        ("--principal", "abc", "--principal: not a number"),
        ("--principal", "1.005", "--principal: must be in cents"),
        ("--annual-rate", "-0.01", "--annual-rate: must not be negative"),
        ("--annual-rate", "NaN", "--annual-rate: not a number"),
        ("--term", "0", "--term: must be at least 1"),
        ("--term", "twelve", "--term: not a whole number"),
        ("--method", "weekly", "--method: unknown value 'weekly'"),
        ("--start-date", "2025-02-30", "--start-date: not a date"),
        ("--convention", "30e/360", "--convention: unknown value"),
    ],
)
def test_bad_input_names_the_argument(option: str, value: str, message: str) -> None:
    arguments = dict(zip(MORTGAGE[::2], MORTGAGE[1::2], strict=True))
    arguments[option] = value

    with pytest.raises(CommandError) as caught:
        run(*[part for pair in arguments.items() for part in pair])

    assert str(caught.value).startswith(message)


def test_the_lendcrm_command_exits_non_zero_on_bad_input() -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "lendcrm.cli", "schedule", *MORTGAGE[:1], "0", *MORTGAGE[2:]],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
        check=False,
        timeout=120,
    )

    assert finished.returncode != 0
    assert "--principal: must be greater than 0" in finished.stderr
