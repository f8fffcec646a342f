"""Compile the .po catalogues for tests that render English (the .mo files are not committed)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.utils.translation import trans_real


def ensure_compiled_translations() -> None:
    stale = [
        po.parent.parent.name
        for locale_dir in settings.LOCALE_PATHS
        for po in Path(locale_dir).glob("*/LC_MESSAGES/django.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        call_command("compilemessages", locale=stale, verbosity=0)
        # Catalogues already loaded in this process would hide the fresh ones.
        trans_real._translations.clear()
        trans_real._default = None
