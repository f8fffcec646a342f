"""Automatic tag rules (自动标签规则): pure functions over facts the caller supplies.

Each rule answers True (the tag applies), False (it no longer applies: a rule-made tag is
removed) or None (this event says nothing about it: leave the tag as it is). Rules never
query the database; the caller (e.g. the sales app after a follow-up) passes the facts it has.
Register a new rule with `@tag_rule("标签名", description=...)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

HIGH_INTENT = "高意向"
PRICE_SENSITIVE = "价格敏感"
NO_MARKETING = "拒绝推销"

HIGH_INTENT_MIN_POSITIVE_FOLLOW_UPS = 2
# A refusal reason (code or label) mentioning any of these is about price or rate.
PRICE_WORDS = ("price", "rate", "interest", "fee", "利率", "利息", "价格", "费用", "太贵", "息费")


@dataclass(frozen=True)
class TagFacts:
    """What the caller knows at this event; None means 'not known at this event'."""

    event: str = ""
    positive_follow_ups: int | None = None
    refusal_reason: str | None = None
    opted_out: bool | None = None


Rule = Callable[[TagFacts], bool | None]


@dataclass(frozen=True)
class RegisteredRule:
    tag: str
    description: str
    check: Rule


RULES: dict[str, RegisteredRule] = {}


def tag_rule(tag: str, *, description: str) -> Callable[[Rule], Rule]:
    def register(check: Rule) -> Rule:
        RULES[tag] = RegisteredRule(tag=tag, description=description, check=check)
        return check

    return register


@tag_rule(HIGH_INTENT, description="至少两次正向跟进（意向为 A/B）")
def is_high_intent(facts: TagFacts) -> bool | None:
    if facts.positive_follow_ups is None:
        return None
    return facts.positive_follow_ups >= HIGH_INTENT_MIN_POSITIVE_FOLLOW_UPS


@tag_rule(PRICE_SENSITIVE, description="拒绝原因为价格或利率")
def is_price_sensitive(facts: TagFacts) -> bool | None:
    if not facts.refusal_reason:
        return None  # a follow-up without a refusal says nothing about price sensitivity
    reason = facts.refusal_reason.casefold()
    return any(word in reason for word in PRICE_WORDS) or None


@tag_rule(NO_MARKETING, description="客户明确拒绝营销")
def is_opted_out(facts: TagFacts) -> bool | None:
    return facts.opted_out


def evaluate_rules(facts: TagFacts) -> dict[str, bool]:
    """Every rule's verdict for these facts, leaving out the rules that have nothing to say."""
    verdicts: dict[str, bool] = {}
    for tag, rule in RULES.items():
        verdict = rule.check(facts)
        if verdict is not None:
            verdicts[tag] = verdict
    return verdicts
