"""The committed catalogues: English translates every message, keeping its placeholders."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _entries(po_file: Path) -> list[dict[str, str]]:
    """msgctxt/msgid/msgstr of each entry (plural forms joined), plus its flags."""
    entries = []
    for block in po_file.read_text(encoding="utf-8").split("\n\n"):
        entry: dict[str, str] = {"flags": "", "msgid": "", "msgstr": ""}
        key = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] = line
            elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr")):
                head, _, literal = line.partition(" ")
                key = "msgstr" if head.startswith("msgstr") else head
                entry[key] = entry.get(key, "") + ast.literal_eval(literal)
            elif line.startswith('"') and key:
                entry[key] += ast.literal_eval(line)
        if entry["msgid"]:
            entries.append(entry)
    return entries


def _catalogue(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


def test_every_message_has_an_english_translation() -> None:
    entries = _entries(_catalogue("en"))

    untranslated = [e["msgid"] for e in entries if not e["msgstr"] or "fuzzy" in e["flags"]]
    assert len(entries) > 100
    assert untranslated == []


def test_english_keeps_every_placeholder_of_the_chinese_source() -> None:
    entries = _entries(_catalogue("en"))

    broken = [
        e["msgid"]
        for e in entries
        if set(PLACEHOLDER.findall(e["msgid"])) != set(PLACEHOLDER.findall(e["msgstr"]))
    ]
    assert broken == []


def test_the_chinese_catalogue_lists_the_same_messages_and_leaves_them_as_written() -> None:
    english = {(e.get("msgctxt"), e["msgid"]) for e in _entries(_catalogue("en"))}
    chinese = _entries(_catalogue("zh_Hans"))

    assert {(e.get("msgctxt"), e["msgid"]) for e in chinese} == english
    assert [e["msgid"] for e in chinese if e["msgstr"] and e["msgstr"] != e["msgid"]] == []
