"""Generated records as model field values (attname -> Python value), shared by both loaders.

The ORM loader passes these dicts to the model constructor; the COPY loader turns the same
dicts into table rows. Sensitive values are still plaintext here: encryption and blind indexes
are the loaders' job, exactly as the model fields would do it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from django.db import models

from lendcrm.demo.profiles import ApplicationProfile, Assignment, CustomerProfile, LeadProfile
from lendcrm.leads.models import Lead

FIRST_CONTACT_SLA = timedelta(minutes=30)  # the leads app's default first-call time limit


@dataclass(frozen=True)
class References:
    """Primary keys of the rows generated records point at, by natural key."""

    users: dict[str, int]
    org_units: dict[str, int]
    products: dict[str, int]
    channels: dict[str, int]

    def scope(self, assignment: Assignment) -> dict[str, int | None]:
        return {
            "owner_id": self.users.get(assignment.owner) if assignment.owner else None,
            "team_id": self.org_units.get(assignment.team) if assignment.team else None,
            "branch_id": self.org_units.get(assignment.branch) if assignment.branch else None,
        }


def customer_values(p: CustomerProfile, refs: References) -> dict[str, Any]:
    return {
        "customer_no": p.customer_no,
        "name": p.name,
        "gender": str(p.gender),
        "birth_date": p.birth_date,
        "id_number": p.id_number,
        "mobile": p.mobile,
        "email": p.email,
        "marital_status": str(p.marital_status),
        "education": str(p.education),
        "children": p.children,
        "province": p.province,
        "city": p.city,
        "address": p.address,
        "hukou_address": p.hukou_address,
        "housing": str(p.housing),
        "employment_type": str(p.employment_type),
        "employer": p.employer,
        "occupation": p.occupation,
        "position": p.position,
        "years_employed": p.years_employed,
        "monthly_income": p.monthly_income,
        "house_value": p.house_value,
        "mortgage_balance": p.mortgage_balance,
        "car_value": p.car_value,
        "car_loan_balance": p.car_loan_balance,
        "financial_assets": p.financial_assets,
        "credit_card_count": p.credit_card_count,
        "credit_card_limit": p.credit_card_limit,
        "loan_balance": p.loan_balance,
        "other_debt": p.other_debt,
        **refs.scope(p.assignment),
        "created_at": p.created_at,
        "updated_at": p.created_at,
    }


def lead_values(
    p: LeadProfile, refs: References, *, customer_ids: dict[str, int], lead_ids: dict[str, int]
) -> dict[str, Any]:
    return {
        "name": p.name,
        "mobile": p.mobile,
        "id_number": p.id_number,
        "city": p.city,
        "requested_amount": p.requested_amount,
        "purpose": p.purpose,
        "channel_id": refs.channels[p.channel],
        "campaign": p.campaign,
        "consent": p.consent,
        "consent_at": p.created_at if p.consent else None,
        "status": str(p.status),
        "duplicate_of_id": lead_ids.get(p.duplicate_of) if p.duplicate_of else None,
        "customer_id": customer_ids.get(p.customer_no) if p.customer_no else None,
        **refs.scope(p.assignment),
        "seed_key": p.seed_key,
        "created_at": p.created_at,
        "updated_at": p.first_contact_at or p.created_at,
        **_present(Lead, _lead_follow_up(p)),
    }


def _lead_follow_up(p: LeadProfile) -> dict[str, Any]:
    """The first-contact workflow columns (the leads app owns their meaning)."""
    duplicate = p.duplicate_of is not None
    due = p.assigned_at + FIRST_CONTACT_SLA if p.assigned_at and not duplicate else None
    return {
        "is_duplicate": duplicate,
        "invalid_reason": p.invalid_reason,
        "assigned_at": p.assigned_at,
        "first_contact_due_at": due,
        "first_contact_at": p.first_contact_at,
    }


@cache
def _attnames(model: type[models.Model]) -> frozenset[str]:
    return frozenset(f.attname for f in model._meta.concrete_fields)


def _present(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Only the values the model has columns for: the leads app extends Lead in step with us."""
    names = _attnames(model)
    return {name: value for name, value in values.items() if name in names}


def application_values(
    p: ApplicationProfile, refs: References, *, customer_ids: dict[str, int]
) -> dict[str, Any]:
    return {
        "application_no": p.application_no,
        "customer_id": customer_ids[p.customer_no],
        "product_id": refs.products[p.product],
        "channel_id": refs.channels[p.channel] if p.channel else None,
        "amount": p.amount,
        "term": p.term,
        "repayment_method": str(p.repayment_method),
        "purpose": p.purpose,
        "status": str(p.status),
        "submitted_at": p.submitted_at,
        "decided_at": p.decided_at,
        **refs.scope(p.assignment),
        "created_at": p.created_at,
        "updated_at": p.decided_at or p.submitted_at or p.created_at,
    }
