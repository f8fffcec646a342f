"""The profile records the 360 page adds, edits and removes: real estate, vehicles, scores."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from lendcrm.customers.forms import (
    LabelledErrorsForm,
    RealEstateForm,
    ThirdPartyScoreForm,
    VehicleForm,
)
from lendcrm.customers.models import Customer
from lendcrm.customers.profile import (
    add_real_estate,
    add_vehicle,
    record_third_party_score,
    remove_real_estate,
    remove_third_party_score,
    remove_vehicle,
    update_real_estate,
    update_third_party_score,
    update_vehicle,
)
from lendcrm.customers.queries import (
    get_real_estate_for_user,
    get_score_for_user,
    get_vehicle_for_user,
)


@dataclass(frozen=True)
class ItemKind:
    """How the 360 page adds, edits and removes one kind of profile record."""

    name: str  # the URL name stem: real_estate_add, real_estate_edit, real_estate_remove
    form: type[LabelledErrorsForm]
    get: Callable[[Any, int, int], Any]
    add: Callable[..., Any]
    update: Callable[..., Any]
    remove: Callable[..., None]
    tab: str
    add_title: Any
    edit_title: Any


ITEM_KINDS = {
    "real_estate": ItemKind(
        name="real_estate",
        form=RealEstateForm,
        get=get_real_estate_for_user,
        add=add_real_estate,
        update=update_real_estate,
        remove=remove_real_estate,
        tab="tab-financials",
        add_title=gettext_lazy("添加房产"),
        edit_title=gettext_lazy("修改房产"),
    ),
    "vehicle": ItemKind(
        name="vehicle",
        form=VehicleForm,
        get=get_vehicle_for_user,
        add=add_vehicle,
        update=update_vehicle,
        remove=remove_vehicle,
        tab="tab-financials",
        add_title=gettext_lazy("添加车辆"),
        edit_title=gettext_lazy("修改车辆"),
    ),
    "score": ItemKind(
        name="score",
        form=ThirdPartyScoreForm,
        get=get_score_for_user,
        add=record_third_party_score,
        update=update_third_party_score,
        remove=remove_third_party_score,
        tab="tab-credit",
        add_title=gettext_lazy("添加第三方评分"),
        edit_title=gettext_lazy("修改第三方评分"),
    ),
}


def make_item_form(kind: ItemKind, item: Any = None, data: Any = None) -> LabelledErrorsForm:
    """The add form (item None) or the edit form of `item`; their element ids differ."""
    if item is None:
        return kind.form(data)
    initial = {name: getattr(item, name) for name in kind.form.base_fields}
    return kind.form(data, initial=initial, auto_id=f"{kind.form.id_prefix}-edit-%s")


def item_form_context(
    customer: Customer, kind: ItemKind, form: LabelledErrorsForm, item: Any = None
) -> dict[str, Any]:
    """What `_item_form.html` needs to show the add form (item None) or the edit form."""
    if item is None:
        action = reverse(f"customers:{kind.name}_add", args=[customer.pk])
    else:
        action = reverse(f"customers:{kind.name}_edit", args=[customer.pk, item.pk])
    return {
        "customer": customer,
        "form": form,
        "item": item,
        "form_id": f"{kind.form.id_prefix}-{'edit-' if item is not None else ''}form",
        "form_action": action,
        "form_title": kind.edit_title if item is not None else kind.add_title,
        "back_url": f"{reverse('customers:detail', args=[customer.pk])}#{kind.tab}",
    }
