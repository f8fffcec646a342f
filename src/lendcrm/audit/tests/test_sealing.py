"""Queued events: committed with the caller's change, sealed into the chain in batches."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from lendcrm.audit import sealing
from lendcrm.audit.models import AuditChainHead, AuditEvent, PendingAuditEvent
from lendcrm.audit.services import (
    queue_event,
    record_event,
    run_verification,
    seal_pending_events,
    verify_chain,
)
from lendcrm.audit.tests.helpers import on_postgresql, raw_sql
from lendcrm.customers.tests.factories import UserFactory


@pytest.mark.django_db
def test_a_queued_event_joins_the_chain_when_sealed_and_the_chain_verifies() -> None:
    actor = UserFactory(username="channel_a")
    record_event("before.sealing")
    with transaction.atomic():
        queue_event("decisions.pre_screened", actor=actor, metadata={"outcome": "approve"})
    record_event("meanwhile")

    assert not AuditEvent.objects.filter(action="decisions.pre_screened").exists()
    assert seal_pending_events() == 1

    event = AuditEvent.objects.get(action="decisions.pre_screened")
    assert (event.sequence, event.actor_username, event.metadata) == (
        3,
        "channel_a",
        {"outcome": "approve"},
    )
    assert not PendingAuditEvent.objects.exists()
    assert AuditChainHead.objects.get().sequence == 3
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_queued_event_rolls_back_with_the_callers_change() -> None:
    def fail_after_queueing() -> None:
        with transaction.atomic():
            queue_event("decisions.pre_screened", metadata={"n": 1})
            raise RuntimeError("the business change failed")

    with pytest.raises(RuntimeError):
        fail_after_queueing()

    assert not PendingAuditEvent.objects.exists()
    assert seal_pending_events() == 0


@pytest.mark.django_db
def test_sealing_keeps_queue_order_across_batches() -> None:
    for n in range(7):
        queue_event("test.queued", metadata={"n": n})

    assert seal_pending_events(batch_size=3) == 7

    events = AuditEvent.objects.filter(action="test.queued").order_by("sequence")
    assert [e.metadata["n"] for e in events] == list(range(7))
    assert verify_chain().ok


@pytest.mark.django_db
def test_verification_seals_what_is_pending_first() -> None:
    queue_event("test.queued")

    report = run_verification()

    assert report.ok
    assert report.checked == 1
    assert not PendingAuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_pending_event_cannot_be_changed_or_removed_through_the_application() -> None:
    queue_event("test.queued")
    pending = PendingAuditEvent.objects.get()

    with pytest.raises(Exception, match="append-only"):
        pending.save()
    with pytest.raises(Exception, match="append-only"):
        pending.delete()
    with pytest.raises(Exception, match="append-only"):
        PendingAuditEvent.objects.all().delete()


@on_postgresql
@pytest.mark.django_db
def test_the_database_refuses_to_drop_or_edit_an_unsealed_event() -> None:
    queue_event("test.queued", metadata={"n": 1})

    with pytest.raises(DatabaseError, match="only be removed once sealed"), transaction.atomic():
        raw_sql("DELETE FROM audit_pendingauditevent", [])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw_sql("UPDATE audit_pendingauditevent SET action = %s", ["forged"])

    assert seal_pending_events() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_background_sealer_seals_soon_after_commit(settings: Any) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with transaction.atomic():
        queue_event("test.committed")

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and PendingAuditEvent.objects.exists():
        time.sleep(0.05)

    assert AuditEvent.objects.filter(action="test.committed").exists()
    assert not PendingAuditEvent.objects.exists()
    assert verify_chain().ok


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_sealers_leave_one_unbroken_chain(settings: Any) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for n in range(25):
                with transaction.atomic():
                    queue_event("test.concurrent", metadata={"worker": worker, "n": n})
                if n % 10 == 0:
                    record_event("test.direct", metadata={"worker": worker, "n": n})
                if n % 7 == 0:
                    seal_pending_events()
        except BaseException as exc:  # reported below, on the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seal_pending_events()

    assert errors == []
    assert AuditEvent.objects.filter(action="test.concurrent").count() == 100
    assert AuditEvent.objects.filter(action="test.direct").count() == 12
    assert not PendingAuditEvent.objects.exists()
    assert verify_chain().ok


def test_with_a_broker_the_task_is_enqueued_once_per_window(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from lendcrm.audit.tasks import seal_audit_events_task

    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(seal_audit_events_task, "apply_async", lambda **kw: sent.append(kw))
    now = [1000.0]
    monkeypatch.setattr(sealing.time, "time", lambda: now[0])
    monkeypatch.setattr(sealing, "_task_sealer", sealing._TaskSealer())

    sealing.request_sealing()
    sealing.request_sealing()
    now[0] += sealing.WINDOW_SECONDS
    sealing.request_sealing()

    assert sent == [{"countdown": sealing.WINDOW_SECONDS}] * 2
