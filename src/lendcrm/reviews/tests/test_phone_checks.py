"""Phone verification (电审): click-to-call through the adapter, outcomes recorded, masked."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lendcrm.applications.models import Application
from lendcrm.audit.models import AuditEvent
from lendcrm.core.errors import DomainError
from lendcrm.reviews.choices import CallOutcome, CallTarget
from lendcrm.reviews.models import ReviewTask
from lendcrm.reviews.services import (
    PhoneCheckInput,
    create_review_task,
    place_call,
    record_phone_verification,
)
from lendcrm.reviews.services.phone_checks import call_targets, mask_phone
from lendcrm.reviews.telephony import FakeTelephony
from lendcrm.reviews.tests.conftest import add_contacts

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(make_application: Callable[..., Application]) -> ReviewTask:
    application = make_application()
    customer = application.customer
    customer.employer, customer.employer_phone = "某科技公司", "010-88886666"
    customer.save()
    add_contacts(customer)
    return create_review_task(application)


def test_call_targets_are_the_applicant_contacts_and_employer_all_masked(
    task: ReviewTask,
) -> None:
    targets = call_targets(task.application)

    assert [t.target for t in targets] == [
        CallTarget.APPLICANT,
        CallTarget.EMERGENCY_CONTACT,
        CallTarget.EMERGENCY_CONTACT,
        CallTarget.EMPLOYER,
    ]
    mobile = task.application.customer.mobile
    assert targets[0].number_masked == mask_phone(mobile) == mobile[:3] + "****" + mobile[-4:]
    assert targets[3].number_masked == "010****6666"


def test_click_to_call_gives_the_adapter_the_real_number_and_audits_it_masked(
    task: ReviewTask,
) -> None:
    FakeTelephony.calls.clear()
    contact_key = call_targets(task.application)[1].key

    view, handle = place_call(task, target_key=contact_key, acting_user=task.assignee)  # type: ignore[arg-type]

    [placed] = FakeTelephony.calls
    contact = task.application.customer.contacts.get(pk=view.contact_id)
    assert placed.to_number == contact.mobile
    assert placed.handle == handle
    event = AuditEvent.objects.get(action="reviews.call_placed")
    assert event.metadata["number"] == view.number_masked
    assert contact.mobile not in str(event.metadata)


def test_a_verification_is_recorded_with_the_masked_number(task: ReviewTask) -> None:
    data = PhoneCheckInput(
        target_key="applicant",
        outcome=CallOutcome.CONFIRMED,
        notes="本人确认申请",
        recording_url="https://recordings.example.com/1.mp3",
        call_id="abc",
    )

    check = record_phone_verification(task, data=data, acting_user=task.assignee)  # type: ignore[arg-type]

    mobile = task.application.customer.mobile
    assert (check.target, check.outcome, check.reviewer) == (
        CallTarget.APPLICANT,
        CallOutcome.CONFIRMED,
        task.assignee,
    )
    assert check.number_masked == mask_phone(mobile)
    assert mobile not in check.number_masked
    assert AuditEvent.objects.filter(action="reviews.phone_verified").count() == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"target_key": "contact:999999"}, "target"),
        ({"outcome": "maybe"}, "outcome"),
        ({"recording_url": "javascript:alert(1)"}, "recording_url"),
    ],
)
def test_a_bad_verification_names_the_field(
    task: ReviewTask, values: dict[str, str], field: str
) -> None:
    data = {"target_key": "applicant", "outcome": CallOutcome.NO_ANSWER} | values

    with pytest.raises(DomainError) as refused:
        record_phone_verification(task, data=PhoneCheckInput(**data), acting_user=task.assignee)  # type: ignore[arg-type]

    assert refused.value.problems[0].field == field
