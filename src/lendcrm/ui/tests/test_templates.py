"""Templates stay within the Content-Security-Policy "script-src 'self'": no inline scripts."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

INLINE_HANDLER = re.compile(r"<[^>]*\s(on[a-z]+)\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script(?P<attrs>[^>]*)>", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def _templates() -> list[Path]:
    return sorted(Path(settings.PACKAGE_DIR).glob("**/templates/**/*.html"))


def _relative(path: Path) -> str:
    return str(path.relative_to(settings.PACKAGE_DIR))


def test_no_template_uses_inline_event_handlers_or_javascript_urls() -> None:
    offenders = [
        f"{_relative(path)}: {match}"
        for path in _templates()
        for match in INLINE_HANDLER.findall(path.read_text(encoding="utf-8"))
        + JAVASCRIPT_URL.findall(path.read_text(encoding="utf-8"))
    ]
    assert len(_templates()) > 3
    assert offenders == [], "use data-* attributes and a static script (ui/static/ui/app.js)"


def test_every_script_tag_loads_a_file_or_carries_json_data() -> None:
    inline = [
        _relative(path)
        for path in _templates()
        for match in SCRIPT_TAG.finditer(path.read_text(encoding="utf-8"))
        if "src=" not in match["attrs"] and "application/json" not in match["attrs"]
    ]
    assert inline == []
