"""Importing a 100,000-row Excel file of leads, end to end, as `lendcrm leads import` does.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/lendcrm_leads_bench \\
        .venv/bin/python benchmarks/lead_import.py [--rows 100000]

Point it at a scratch database with migrations applied. The file is generated first (timed
apart, not part of the figure): Chinese headers, valid ID numbers and mobiles, a share of rows
repeating an earlier mobile (merged as duplicates) and a share with a broken phone (rejected).
Then the import runs through the same service as the command line: magic-byte check, storing
the file, reading it with calamine, cleaning, dedupe, screening, assignment, insert (COPY),
progress updates and the error report. Prints rows per second and the outcome counts,
and checks that they add up to the row count.

With --agents N the channel gets a round-robin assignment rule over N agents (`bench-agent-…`,
created if missing, no open-lead cap that matters), so every valid new lead is also assigned,
with its assignment record, timeline event and (where task rules are active) first-call task;
without it (the default, and the README's figure) only duplicates of owned records get an owner.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendcrm.config.settings")
django.setup()

from openpyxl import Workbook  # noqa: E402

from lendcrm.core.cn_ids import id_check_char  # noqa: E402
from lendcrm.identity.models import User  # noqa: E402
from lendcrm.leads.choices import AssignmentStrategy  # noqa: E402
from lendcrm.leads.models import AssignmentMember, AssignmentRule, Channel  # noqa: E402
from lendcrm.leads.services import create_channel, importing  # noqa: E402

HEADERS = ["姓名", "手机号", "身份证号", "城市", "意向金额", "授权", "活动"]


def write_workbook(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    base = rng.randint(0, 10**8)
    for n in range(rows):
        roll = rng.random()
        mobile = f"17{(base + n) % 10**9:09d}"
        if roll < 0.05 and n:
            mobile = f"17{(base + rng.randrange(n)) % 10**9:09d}"  # an earlier row's phone
        elif roll < 0.07:
            mobile = "1234"  # rejected
        first17 = f"310104{1965 + n % 35}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
        sheet.append([
            f"客户{n}", mobile, first17 + id_check_char(first17) if roll > 0.5 else None,
            "上海", 20000 + n % 50 * 1000, "是", "车展-2024Q3",
        ])  # fmt: skip
    workbook.save(path)


def set_agents(channel: Channel, agents: int) -> None:
    """The channel's own rule over `agents` agents; 0 removes it."""
    AssignmentRule.objects.filter(channel=channel).delete()
    if not agents:
        return
    rule = AssignmentRule.objects.create(channel=channel, strategy=AssignmentStrategy.ROUND_ROBIN)
    users = [
        User.objects.get_or_create(
            username=f"bench-agent-{n}", defaults={"display_name": f"坐席{n}"}
        )[0]
        for n in range(agents)
    ]
    AssignmentMember.objects.bulk_create(
        AssignmentMember(rule=rule, agent=user, max_open_leads=10**8) for user in users
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--agents", type=int, default=0, help="assign to N agents by a rule")
    args = parser.parse_args(argv)
    channel = Channel.objects.filter(code="bench-expo").first() or create_channel(
        name="压测线下活动", code="bench-expo", kind="offline"
    )
    set_agents(channel, args.agents)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "leads.xlsx"
        started = time.perf_counter()
        write_workbook(path, args.rows, args.seed)
        size = path.stat().st_size
        print(
            f"generated {args.rows:,} rows, {size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        with path.open("rb") as upload:
            lead_import = importing.create_import(
                channel=channel, upload=upload, file_name=path.name, size=size
            )
        done = importing.run_import_now(lead_import, mapping=lead_import.mapping)
        elapsed = time.perf_counter() - started
    for stored in (done.file_path, done.error_report_path):
        Path(stored).unlink(missing_ok=True)  # the copies the import kept in the data directory
    outcomes = (done.imported, done.duplicates, done.rejected)
    assert sum(outcomes) == done.total_rows == args.rows, (outcomes, done.total_rows)
    print(f"imported end to end in {elapsed:.1f} s ({args.rows / elapsed:,.0f} rows/s); "
          f"imported {outcomes[0]:,}, duplicates {outcomes[1]:,}, rejected {outcomes[2]:,}; "
          f"status {done.status}")  # fmt: skip


if __name__ == "__main__":
    main()
