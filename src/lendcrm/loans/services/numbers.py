"""Business numbers for lines, loans and drawdowns: a prefix, the date and a random tail."""

from __future__ import annotations

import secrets

from lendcrm.core import clock


def new_number(prefix: str) -> str:
    return f"{prefix}{clock.today():%y%m%d}{secrets.token_hex(5).upper()}"
