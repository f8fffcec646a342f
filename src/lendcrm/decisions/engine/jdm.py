"""Builds JDM graphs (GoRules' decision format) from the steps of a strategy document.

Every expressions step and table step becomes one node fed by the input node and by every
earlier expressions node of the same graph (zen merges a node's parents), and every node feeds
the output node. Tables write under their step key (`outputPath`) and do not pass their input
through, so only the results cross back into Python. Each table row gets a hidden output
`rule_id` naming the row, which is how the trace knows which rows hit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from lendcrm.decisions.engine.definition import EXPRESSIONS, RULE_ID_FIELD

_POSITION = {"x": 0, "y": 0}
_RULE_ID_COLUMN = "__rule_id"
INPUT_NODE = "__input"
OUTPUT_NODE = "__output"


def build_graph(steps: Sequence[Mapping[str, Any]]) -> str:
    """The JSON text of one JDM graph evaluating `steps` (expressions and tables only)."""
    nodes: list[dict[str, Any]] = [_node(INPUT_NODE, "inputNode")]
    edges: list[dict[str, Any]] = []
    expression_nodes: list[str] = []
    for step in steps:
        key = step["key"]
        if step["type"] == EXPRESSIONS:
            nodes.append(_node(key, "expressionNode", _expression_content(step)))
        else:
            nodes.append(_node(key, "decisionTableNode", _table_content(step)))
        for parent in (INPUT_NODE, *expression_nodes):
            edges.append(_edge(parent, key))
        edges.append(_edge(key, OUTPUT_NODE))
        if step["type"] == EXPRESSIONS:
            expression_nodes.append(key)
    nodes.append(_node(OUTPUT_NODE, "outputNode"))
    return json.dumps({"nodes": nodes, "edges": edges}, ensure_ascii=False)


def _node(node_id: str, kind: str, content: dict[str, Any] | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"id": node_id, "type": kind, "name": node_id, "position": _POSITION}
    if content is not None:
        node["content"] = content
    return node


def _edge(source: str, target: str) -> dict[str, str]:
    return {"id": f"{source}->{target}", "sourceId": source, "targetId": target, "type": "edge"}


def _expression_content(step: Mapping[str, Any]) -> dict[str, Any]:
    expressions = [
        {"id": str(e.get("id") or f"x{i}"), "key": e["key"], "value": e["value"]}
        for i, e in enumerate(step["expressions"])
    ]
    return {
        "expressions": expressions,
        "passThrough": False,
        "inputField": None,
        "outputPath": None,
        "executionMode": "single",
    }


def _table_content(step: Mapping[str, Any]) -> dict[str, Any]:
    table = step["table"]
    inputs = [
        {"id": c["id"], "name": c.get("name") or c["field"], "field": c["field"]}
        for c in table["inputs"]
    ]
    outputs = [
        {"id": c["id"], "name": c.get("name") or c["field"], "field": c["field"]}
        for c in table["outputs"]
        if c["field"] != RULE_ID_FIELD
    ]
    outputs.append({"id": _RULE_ID_COLUMN, "name": RULE_ID_FIELD, "field": RULE_ID_FIELD})
    columns = [c["id"] for c in inputs] + [c["id"] for c in outputs[:-1]]
    rules = []
    for rule in table["rules"]:
        # Empty cells are left out: zen treats a missing cell as "any", and skips it faster.
        row = {"_id": rule["_id"]}
        row.update(
            {c: rule[c] for c in columns if isinstance(rule.get(c), str) and rule[c].strip()}
        )
        row[_RULE_ID_COLUMN] = json.dumps(rule["_id"], ensure_ascii=False)
        rules.append(row)
    return {
        "hitPolicy": "collect" if step["type"] == "hard_rules" else "first",
        "inputs": inputs,
        "outputs": outputs,
        "rules": rules,
        "passThrough": False,
        "inputField": None,
        "outputPath": step["key"],
        "executionMode": "single",
    }
