"""`lendcrm strategy simulate`: backtest a strategy version on a file or on past applications."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lendcrm.core.errors import NotFound


class Command(BaseCommand):
    help = (
        "Strategies: `lendcrm strategy simulate --strategy CODE --version N [--input FILE] "
        "[--json]` evaluates every case with version N and with the live (published) version and "
        "prints approval, manual-review and decline rates, swap-in/swap-out and bad rates. "
        "Without --input it replays the applications this strategy decided."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        simulate = actions.add_parser("simulate", help="backtest a version")
        simulate.add_argument("--strategy", required=True, help="strategy code")
        simulate.add_argument("--version", required=True, type=int, help="version number")
        simulate.add_argument(
            "--input",
            help="CSV or Parquet: columns are the declared inputs, optionally bad (1/0) and "
            "application_id; default: the historical applications in the database",
        )
        simulate.add_argument(
            "--against", type=int, help="compare with this version instead of the live one"
        )
        simulate.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        from lendcrm.decisions import reports, simulation

        try:
            strategy = reports.get_strategy_by_code(options["strategy"])
            version = reports.get_version_by_number(strategy, options["version"])
            live = (
                reports.get_version_by_number(strategy, options["against"])
                if options["against"]
                else reports.live_version(strategy)
            )
        except NotFound as exc:
            raise CommandError(exc.message) from exc
        if options["input"]:
            path = Path(options["input"])
            if not path.is_file():
                raise CommandError(f"--input: no file {path}")
            cases = simulation.read_cases(path, simulation.declared_types(version.definition))
        else:
            cases = reports.historical_cases(strategy)
        summary = simulation.simulate(version, cases=cases, live_version=live)
        summary["version"] = version.number
        summary["live_version"] = live.number if live else None
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_text(summary))


def _text(summary: dict[str, Any]) -> str:
    def rates(mix: dict[str, dict[str, Any]]) -> str:
        return "  ".join(f"{o} {mix[o]['count']} ({(mix[o]['rate'] or 0) * 100:.1f}%)" for o in mix)

    lines = [
        f"cases {summary['total']}  evaluated {summary['evaluated']}  "
        f"errors {summary['error_count']}",
        f"v{summary['version']}: {rates(summary['candidate'])}",
    ]
    if summary["live_version"] is not None:
        lines += [
            f"live v{summary['live_version']}: {rates(summary['live'])}",
            f"swap-in {summary['swap_in']}  swap-out {summary['swap_out']}",
        ]
    lines.append(
        f"cases with a known outcome: {summary['with_outcome']} "
        "(declined applications have no outcome)"
    )
    return "\n".join(lines) + "\n"
