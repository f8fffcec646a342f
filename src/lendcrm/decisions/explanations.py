"""Explaining on the pages: the trace of one evaluation (test panel and decision record pages)
and the difference between two versions of a strategy (diff page)."""

from __future__ import annotations

from typing import Any

from lendcrm.decisions.choices import DecisionOutcome
from lendcrm.decisions.models import DecisionRecord
from lendcrm.decisions.strategy_steps import STEP_LABELS

# ---- the trace of one evaluation (test panel and decision record pages) -----------------------


def trace_view(definition: dict[str, Any], output: dict[str, Any]) -> dict[str, Any]:
    """Every step of the document with what it produced in `output` (the engine's result)."""

    rule_results = output.get("rule_results") or []
    features = output.get("features") or {}
    steps = []
    for index, step in enumerate(definition.get("steps") or []):
        kind, key = str(step.get("type", "")), str(step.get("key", ""))
        label = f"{index + 1}. {STEP_LABELS.get(kind, kind)} · {key}"
        entry: dict[str, Any] = {"kind": kind, "key": key, "label": label}
        results = [r for r in rule_results if r.get("step") == key]
        if kind == "hard_rules":
            entry["hits"] = [
                {"rule_id": r.get("rule_id"), **(r.get("outputs") or {})}
                for r in results
                if r.get("hit")
            ]
        elif kind == "expressions":
            keys = [str(e.get("key")) for e in step.get("expressions") or []]
            entry["values"] = [{"key": k, "value": features.get(k, "—")} for k in keys]
            entry["skipped"] = not any(k in features for k in keys)
        elif kind == "scorecard":
            points = output.get("score_points") or {}
            entry |= {
                "score": output.get("score"),
                "points": [{"variable": k, "points": v} for k, v in points.items()],
                "reason_codes": output.get("score_reason_codes") or [],
                "skipped": output.get("score") is None,
            }
        elif kind == "decision_matrix":
            hit = next((r for r in results if r.get("hit")), None)
            rule_ids = [r.get("_id") for r in (step.get("table") or {}).get("rules") or []]
            outputs = (hit or {}).get("outputs") or {}
            entry |= {
                "rule_id": hit.get("rule_id") if hit else None,
                "row": rule_ids.index(hit["rule_id"]) + 1
                if hit and hit.get("rule_id") in rule_ids
                else None,
                "outcome": outputs.get("outcome", "—"),
                "limit": outputs.get("limit"),
                "pricing_tier": outputs.get("pricing_tier", ""),
                "skipped": hit is None,
            }
        steps.append(entry)
    labels = dict(DecisionOutcome.choices)
    outcome = str(output.get("outcome", ""))
    return {
        "outcome": outcome,
        "outcome_label": str(labels.get(outcome, outcome)),
        "limit": output.get("limit"),
        "pricing_tier": output.get("pricing_tier", ""),
        "reason_codes": output.get("reason_codes") or [],
        "missing": output.get("missing") or [],
        "error": output.get("error", ""),
        "steps": steps,
    }


def record_view(record: DecisionRecord) -> dict[str, Any]:
    """The record's stored output as a trace, and its input snapshot (identifiers in it are
    blind indexes, never raw values; see DecisionRecord)."""
    output = dict(record.output or {})
    output.setdefault("outcome", record.outcome)
    output.setdefault("rule_results", record.rule_results)
    output.setdefault("reason_codes", record.reason_codes)
    output.setdefault("score_points", record.score_points)
    snapshot = record.input_snapshot if isinstance(record.input_snapshot, dict) else {}
    inputs = snapshot.get("inputs") or {}
    return {
        "trace": trace_view(record.strategy_version.definition, output),
        "inputs": sorted((str(k), v) for k, v in inputs.items()),
        "identifiers": sorted(str(kind) for kind in snapshot.get("identifiers") or {}),
        "sources": snapshot.get("sources") or {},
    }


# ---- the diff page ----------------------------------------------------------------------------


def _table_rows_view(
    old_table: dict[str, Any], new_table: dict[str, Any], rows: dict[str, Any]
) -> dict[str, Any]:
    """The new table's rows, each marked added / changed (with the old value of changed cells)
    / unchanged, then the removed rows of the old table."""
    columns = [*(new_table.get("inputs") or []), *(new_table.get("outputs") or [])]
    added = set(rows.get("added") or [])
    changed = {
        c["rule_id"]: {x["column"]: x["old"] for x in c["cells"]} for c in rows.get("changed") or []
    }
    view_rows = []
    for rule in new_table.get("rules") or []:
        rule_id = rule.get("_id")
        status = "added" if rule_id in added else "changed" if rule_id in changed else "same"
        old_cells = changed.get(rule_id, {})
        view_rows.append(
            {
                "rule_id": rule_id,
                "status": status,
                "cells": [
                    {
                        "value": rule.get(c["id"], ""),
                        "changed": c["field"] in old_cells,
                        "old": old_cells.get(c["field"], ""),
                    }
                    for c in columns
                ],
            }
        )
    old_columns = [*(old_table.get("inputs") or []), *(old_table.get("outputs") or [])]
    removed = set(rows.get("removed") or [])
    for rule in old_table.get("rules") or []:
        if rule.get("_id") in removed:
            by_field = {c["field"]: rule.get(c["id"], "") for c in old_columns}
            view_rows.append(
                {
                    "rule_id": rule.get("_id"),
                    "status": "removed",
                    "cells": [
                        {"value": by_field.get(c["field"], ""), "changed": False, "old": ""}
                        for c in columns
                    ],
                }
            )
    return {"columns": columns, "rows": view_rows}


def diff_view(diff: dict[str, Any], old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The services' structured diff (engine.diff) shaped for decisions/diff.html."""

    old_steps = {s.get("key"): s for s in old.get("steps") or []}
    new_steps = {s.get("key"): s for s in new.get("steps") or []}
    steps = []
    for step in diff.get("steps") or []:
        entry = {
            **step,
            "label": f"{STEP_LABELS.get(step.get('type'), step.get('type'))} · {step.get('key')}",
        }
        if step.get("status") == "changed" and "table" in new_steps.get(step["key"], {}):
            entry["table"] = _table_rows_view(
                old_steps[step["key"]].get("table") or {},
                new_steps[step["key"]]["table"],
                step.get("rows") or {},
            )
        steps.append(entry)
    inputs = diff.get("inputs") or {}
    return {
        "inputs": inputs,
        "inputs_changed": any(inputs.get(k) for k in ("added", "removed", "changed")),
        "steps": steps,
        "order_changed": diff.get("order_changed", False),
        "identical": not steps and not any(inputs.get(k) for k in ("added", "removed", "changed")),
    }
