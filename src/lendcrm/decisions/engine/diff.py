"""A structured difference between two strategy documents, for reviewers and the UI.

Per step: added, removed or changed; for tables, rows added/removed/changed by rule id (with
the changed cells by column field); for expressions, keys added/removed/changed. Inputs are
compared by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def diff_definitions(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "inputs": _keyed_diff(_by(old.get("inputs"), "name"), _by(new.get("inputs"), "name")),
        "steps": _step_diffs(_by(old.get("steps"), "key"), _by(new.get("steps"), "key")),
        "order_changed": [s.get("key") for s in old.get("steps") or []]
        != [s.get("key") for s in new.get("steps") or []],
    }


def _by(items: Any, key: str) -> dict[str, dict[str, Any]]:
    return {str(i[key]): i for i in items or [] if isinstance(i, dict) and key in i}


def _keyed_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    changed = [
        {"key": k, "old": old[k], "new": new[k]} for k in old if k in new and old[k] != new[k]
    ]
    return {
        "added": [k for k in new if k not in old],
        "removed": [k for k in old if k not in new],
        "changed": changed,
    }


def _step_diffs(
    old: Mapping[str, dict[str, Any]], new: Mapping[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for key in [*old, *(k for k in new if k not in old)]:
        before, after = old.get(key), new.get(key)
        if before is None or after is None:
            step = after or before or {}
            status = "added" if before is None else "removed"
            result.append({"key": key, "type": step.get("type"), "status": status})
        elif before != after:
            result.append(
                {
                    "key": key,
                    "type": after.get("type"),
                    "status": "changed",
                    **_step_detail(before, after),
                }
            )
    return result


def _step_detail(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    if "table" in before and "table" in after:
        return {"rows": _table_rows(before["table"], after["table"])}
    if "expressions" in after:
        return {
            "rows": _keyed_diff(
                _by(before.get("expressions"), "key"), _by(after.get("expressions"), "key")
            )
        }
    fields = sorted(k for k in {*before, *after} if before.get(k) != after.get(k))
    return {"fields": [{"field": f, "old": before.get(f), "new": after.get(f)} for f in fields]}


def _cells(table: Mapping[str, Any], rule: Mapping[str, Any]) -> dict[str, Any]:
    columns = [*(table.get("inputs") or []), *(table.get("outputs") or [])]
    return {c["field"]: rule.get(c["id"], "") for c in columns if isinstance(c, dict)}


def _table_rows(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    old = {r["_id"]: _cells(before, r) for r in before.get("rules") or [] if "_id" in r}
    new = {r["_id"]: _cells(after, r) for r in after.get("rules") or [] if "_id" in r}
    changed = []
    for rule_id in old:
        if rule_id in new and old[rule_id] != new[rule_id]:
            cells = [
                {"column": f, "old": old[rule_id].get(f, ""), "new": new[rule_id].get(f, "")}
                for f in sorted({*old[rule_id], *new[rule_id]})
                if old[rule_id].get(f, "") != new[rule_id].get(f, "")
            ]
            changed.append({"rule_id": rule_id, "cells": cells})
    return {
        "added": [r for r in new if r not in old],
        "removed": [r for r in old if r not in new],
        "changed": changed,
    }
