"""The `lendcrm` command: every management command, with lendcrm's own listed first.

`lendcrm seed-demo` runs the management command `seed_demo`; hyphens and underscores are
interchangeable. A bad configuration stops with one line naming the variable.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

NO_DATABASE_COMMANDS = frozenset(
    {
        "help",
        "version",
        "compilemessages",
        "makemessages",
        "collectstatic",
        "schedule",
        "contract",  # verify reads only the file and the configured certificate
        "scorecard",
        "shell",
        "keys",
        "check",
    }
)


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendcrm.config.settings")
    if not args or (args[0] in ("-h", "--help", "help") and len(args) == 1):
        _setup_or_exit()
        print_help()
        return
    if args[0] == "--version":
        from lendcrm import __version__

        print(f"lendcrm {__version__}")
        return
    args[0] = args[0].replace("-", "_")
    _setup_or_exit()
    if args[0] not in NO_DATABASE_COMMANDS and "--help" not in args:
        _check_database_or_exit()
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    try:
        execute_from_command_line(["lendcrm", *args])
    except OperationalError as exc:  # a command that needs the database only now and then
        _fail(f"DATABASE_URL: the database is unreachable ({_first_line(exc)})")


def _fail(message: str) -> None:
    print(f"lendcrm: {message}", file=sys.stderr)
    raise SystemExit(2)


def _setup_or_exit() -> None:
    from lendcrm.config.env import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as exc:
        _fail(str(exc))


def _check_database_or_exit() -> None:
    from django.db import OperationalError, connection

    try:
        connection.ensure_connection()
    except OperationalError as exc:
        settings_dict = connection.settings_dict
        where = f"{settings_dict.get('HOST') or 'localhost'}:{settings_dict.get('PORT') or '5432'}"
        if connection.vendor == "sqlite":
            where = str(settings_dict.get("NAME"))
        _fail(f"DATABASE_URL: cannot connect to the database at {where} ({_first_line(exc)})")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def lendcrm_commands() -> dict[str, str]:
    """lendcrm's own commands and their one-line help."""
    from django.core.management import get_commands, load_command_class

    own = {}
    for name, app in sorted(get_commands().items()):
        if not app.startswith("lendcrm."):
            continue
        command = load_command_class(app, name)
        own[name.replace("_", "-")] = (
            (command.help or "").strip().splitlines()[0] if command.help else ""
        )
    return own


def print_help() -> None:
    print("usage: lendcrm COMMAND [options]\n\nlendcrm commands:")
    for name, text in lendcrm_commands().items():
        print(f"  {name:<18} {text}")
    print(
        "\nDjango commands: migrate, createsuperuser, shell, dbshell, compilemessages, "
        "collectstatic, ...\n(`lendcrm help --commands` lists all; `lendcrm COMMAND --help` "
        "explains one)"
    )


if __name__ == "__main__":
    main()
