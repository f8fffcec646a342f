"""The customer 360 page's tabs beyond the identity fields: contacts, finances, credit, tags,
timeline, applications and loans. Personal values are masked through the privacy policy."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lendcrm.applications.queries import list_applications_for_customer
from lendcrm.customers.choices import TagKind
from lendcrm.customers.forms import BureauReportForm, ContactForm, InteractionForm
from lendcrm.customers.models import Customer
from lendcrm.customers.profile_items import ITEM_KINDS, item_form_context
from lendcrm.customers.queries import (
    get_customer_profile,
    list_loans_for_customer,
    list_tags,
)
from lendcrm.customers.tags import TAG_CAPABILITY
from lendcrm.customers.timeline import timeline_for_customer
from lendcrm.identity.roles import can
from lendcrm.privacy.masking import display_dict, field_label, load_grants, with_choice_labels

FINANCIAL_FIELDS = (
    "house_value",
    "mortgage_balance",
    "car_value",
    "car_loan_balance",
    "financial_assets",
    "credit_card_count",
    "credit_card_limit",
    "loan_balance",
    "other_debt",
)
EDIT_CAPABILITY = "customers.edit"


def profile_context(request: HttpRequest, customer: Customer) -> dict[str, Any]:
    user = request.user
    profile = get_customer_profile(customer)
    grants = load_grants(user, profile.contacts)
    contacts = [
        {
            "contact": contact,
            **with_choice_labels(
                contact,
                display_dict(
                    contact, user=user, fields=("kind", "relation", "mobile"), grants=grants
                ),
            ),
        }
        for contact in profile.contacts
    ]
    active = {a.tag_id for a in profile.tags}
    timeline = timeline_for_customer(user, customer)
    more_url = reverse("customers:timeline", args=[customer.pk])
    return {
        "contacts": contacts,
        "financials": [
            {"label": field_label(Customer, name), "value": getattr(customer, name)}
            for name in FINANCIAL_FIELDS
        ],
        "real_estates": profile.real_estates,
        "vehicles": profile.vehicles,
        "bureau_reports": profile.bureau_reports,
        "scores": profile.scores,
        "tag_assignments": profile.tags,
        "addable_tags": [t for t in list_tags() if t.kind == TagKind.MANUAL and t.pk not in active],
        "can_tag": can(user, TAG_CAPABILITY),
        "can_edit": can(user, EDIT_CAPABILITY),
        "can_apply": can(user, "applications.create"),
        "timeline": timeline,
        "timeline_more_url": f"{more_url}?cursor={timeline.next_cursor}"
        if timeline.next_cursor
        else "",
        "applications": list_applications_for_customer(user, customer.pk),
        "loans": list_loans_for_customer(user, customer),
        "bureau_form": BureauReportForm(),
        "contact_form": ContactForm(),
        "interaction_form": InteractionForm(),
        **{
            f"{name}_form": item_form_context(customer, kind, kind.form())
            for name, kind in ITEM_KINDS.items()
        },
        "tabs": TABS,
    }


TABS = (
    ("profile", _("档案")),
    ("contacts", _("联系人")),
    ("financials", _("资产负债")),
    ("credit", _("征信")),
    ("tags", _("标签")),
    ("timeline", _("时间线")),
    ("accounts", _("申请与借据")),
)
