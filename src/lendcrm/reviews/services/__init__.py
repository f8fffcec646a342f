"""Writes of the reviews app (信审). Other apps call these names from here."""

from lendcrm.reviews.services.assignment import (
    assign_review_task,
    claim_review_task,
    create_review_task,
    match_rule,
    reassign_review_task,
    release_review_task,
)
from lendcrm.reviews.services.escalation import escalate_overdue_reviews
from lendcrm.reviews.services.opinions import (
    OpinionInput,
    on_opinion_recorded,
    record_opinion,
    validate_opinion,
)
from lendcrm.reviews.services.phone_checks import (
    PhoneCheckInput,
    place_call,
    record_phone_verification,
)
from lendcrm.reviews.services.rules import RuleInput, save_review_rule

__all__ = [
    "OpinionInput",
    "PhoneCheckInput",
    "RuleInput",
    "assign_review_task",
    "claim_review_task",
    "create_review_task",
    "escalate_overdue_reviews",
    "match_rule",
    "on_opinion_recorded",
    "place_call",
    "reassign_review_task",
    "record_opinion",
    "record_phone_verification",
    "release_review_task",
    "save_review_rule",
    "validate_opinion",
]
