"""Phone verification (电审): whom to call, click-to-call, and the recorded outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from lendcrm.applications.models import Application
from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import DomainError
from lendcrm.core.masking import mask_mobile
from lendcrm.customers.choices import ContactKind
from lendcrm.customers.models import CustomerContact
from lendcrm.identity.models import User
from lendcrm.reviews.choices import CallOutcome, CallTarget
from lendcrm.reviews.models import PhoneVerification, ReviewTask
from lendcrm.reviews.telephony import CallHandle, Telephony, get_telephony


@dataclass(frozen=True)
class CallTargetView:
    """Someone the reviewer may call. `key` goes in forms; the number is masked."""

    key: str
    target: str
    label: str
    number_masked: str
    contact_id: int | None = None

    @property
    def target_label(self) -> str:
        return str(CallTarget(self.target).label)


def mask_phone(number: str) -> str:
    """Mobiles as 138****5678; other numbers keep at most the first three and last four."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        return mask_mobile(digits)
    if len(digits) <= 4:
        return "*" * len(digits)
    head = digits[:3] if len(digits) > 8 else ""
    return head + "*" * (len(digits) - len(head) - 4) + digits[-4:]


def call_targets(
    application: Application, contacts: list[CustomerContact] | None = None
) -> list[CallTargetView]:
    """The applicant, the emergency contacts and the employer, each with a masked number.
    Pass the customer's contacts when they are already loaded."""
    customer = application.customer
    if contacts is None:
        contacts = list(customer.contacts.order_by("kind", "id"))
    found = [
        CallTargetView(
            "applicant", CallTarget.APPLICANT, str(customer.name), mask_phone(customer.mobile)
        )
    ]
    for contact in contacts:
        if contact.kind == ContactKind.EMERGENCY:
            label = f"{contact.name} ({contact.get_relation_display()})"
            found.append(
                CallTargetView(
                    f"contact:{contact.pk}",
                    CallTarget.EMERGENCY_CONTACT,
                    label,
                    mask_phone(contact.mobile),
                    contact.pk,
                )
            )
    if customer.employer_phone:
        found.append(
            CallTargetView(
                "employer",
                CallTarget.EMPLOYER,
                customer.employer or str(CallTarget.EMPLOYER.label),
                mask_phone(customer.employer_phone),
            )
        )
    return found


def _resolve(application: Application, key: str) -> tuple[CallTargetView, str]:
    """The target named by `key` and its real number (server side only)."""
    customer = application.customer
    if key == "applicant":
        return call_targets(application, [])[0], customer.mobile
    if key == "employer" and customer.employer_phone:
        view = next(t for t in call_targets(application, []) if t.key == "employer")
        return view, customer.employer_phone
    contact_id = key.removeprefix("contact:")
    if key.startswith("contact:") and contact_id.isdigit():
        contact = customer.contacts.filter(pk=int(contact_id), kind=ContactKind.EMERGENCY).first()
        if contact is not None:
            return call_targets(application, [contact])[1], contact.mobile
    raise DomainError(_("请选择核实对象"), field="target")


def place_call(
    task: ReviewTask, *, target_key: str, acting_user: User, telephony: Telephony | None = None
) -> tuple[CallTargetView, CallHandle]:
    """Dial the target through the telephony adapter; audited with the masked number."""
    view, number = _resolve(task.application, target_key)
    handle = (telephony or get_telephony()).call(acting_user, number)
    record_event(
        "reviews.call_placed",
        actor=acting_user,
        target=task,
        metadata={
            "application": task.application_id,
            "target": view.target,
            "number": view.number_masked,
            "call_id": handle.call_id,
        },
    )
    return view, handle


@dataclass(frozen=True)
class PhoneCheckInput:
    target_key: str
    outcome: str
    notes: str = ""
    recording_url: str = ""
    call_id: str = ""
    called_at: datetime | None = None


def record_phone_verification(
    task: ReviewTask, *, data: PhoneCheckInput, acting_user: User
) -> PhoneVerification:
    """Store the outcome of a verification call (audited)."""
    view, _number = _resolve(task.application, data.target_key)
    if data.outcome not in CallOutcome.values:
        raise DomainError(_("请选择核实结果"), field="outcome")
    if data.recording_url:
        try:
            URLValidator(schemes=["http", "https"])(data.recording_url)
        except ValidationError as exc:
            raise DomainError(_("录音链接不是有效的网址"), field="recording_url") from exc
    now = clock.now()
    called_at = data.called_at or now
    if called_at > now:
        raise DomainError(_("通话时间不能晚于现在"), field="called_at")
    with transaction.atomic():
        check = PhoneVerification.objects.create(
            application=task.application,
            task=task,
            target=view.target,
            contact_id=view.contact_id,
            number_masked=view.number_masked,
            outcome=data.outcome,
            notes=data.notes.strip(),
            recording_url=data.recording_url,
            call_id=data.call_id,
            called_at=called_at,
            reviewer=acting_user,
        )
        record_event(
            "reviews.phone_verified",
            actor=acting_user,
            target=check,
            metadata={
                "application": task.application_id,
                "target": view.target,
                "number": view.number_masked,
                "outcome": data.outcome,
            },
        )
    return check
