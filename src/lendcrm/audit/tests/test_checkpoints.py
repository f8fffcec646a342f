"""Checkpoints: the nightly walk's record of intact stretches, anchoring the chain."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from lendcrm.audit import verification
from lendcrm.audit.chain import GENESIS_HASH
from lendcrm.audit.models import AppendOnlyViolation, AuditCheckpoint, AuditEvent
from lendcrm.audit.services import run_verification, verify_chain
from lendcrm.audit.tasks import verify_audit_chain_task
from lendcrm.audit.tests.helpers import (
    append_events,
    event_trigger_disabled,
    on_postgresql,
    raw_sql,
)
from lendcrm.audit.verification import CHAIN_COLUMNS, ChainBreak, recompute_hash
from lendcrm.identity.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_checkpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verification, "CHECKPOINT_EVERY", 10)


def rewrite_chain_from(sequence: int) -> None:
    """What an attacker with full database rights does: edit a record, re-hash everything after."""
    with event_trigger_disabled():
        raw_sql("UPDATE audit_auditevent SET action = %s WHERE sequence = %s", ["forged", sequence])
        prev = (
            AuditEvent.objects.filter(sequence=sequence - 1)
            .values_list("entry_hash", flat=True)
            .first()
        ) or GENESIS_HASH
        for row in (
            AuditEvent.objects.filter(sequence__gte=sequence)
            .order_by("sequence")
            .values(*CHAIN_COLUMNS)
        ):
            row["prev_hash"] = prev
            prev = recompute_hash(row)
            raw_sql(
                "UPDATE audit_auditevent SET prev_hash = %s, entry_hash = %s WHERE sequence = %s",
                [row["prev_hash"], prev, row["sequence"]],
            )
        _move_head_to(prev)


def _move_head_to(last_hash: str) -> None:
    postgres = connection.vendor == "postgresql"
    trigger = "audit_chain_head_forward_only"
    if postgres:
        raw_sql(f"ALTER TABLE audit_auditchainhead DISABLE TRIGGER {trigger}", [])
    raw_sql("UPDATE audit_auditchainhead SET last_hash = %s WHERE id = 1", [last_hash])
    if postgres:
        raw_sql(f"ALTER TABLE audit_auditchainhead ENABLE TRIGGER {trigger}", [])


def test_a_full_verification_leaves_checkpoints_and_logs_its_outcome() -> None:
    append_events(25)

    report = run_verification(batch_size=7)

    assert report.ok
    assert list(
        AuditCheckpoint.objects.order_by("sequence").values_list("sequence", flat=True)
    ) == [
        10,
        20,
    ]
    assert AuditCheckpoint.objects.get(sequence=20).entry_hash == (
        AuditEvent.objects.get(sequence=20).entry_hash
    )
    logged = AuditEvent.objects.get(action="audit.chain_verified")
    assert logged.metadata == {"checked": 25, "last_sequence": 25, "reason": ""}


def test_a_second_verification_adds_only_new_checkpoints() -> None:
    append_events(12)
    run_verification()
    append_events(10)

    run_verification()

    assert list(
        AuditCheckpoint.objects.order_by("sequence").values_list("sequence", flat=True)
    ) == [
        10,
        20,
    ]


def test_a_chain_rewritten_with_fresh_hashes_is_caught_by_its_checkpoint() -> None:
    append_events(25)
    run_verification()

    rewrite_chain_from(3)

    assert verify_chain().broken == ChainBreak(10, "record no longer matches its checkpoint")


def test_a_chain_rewritten_before_any_checkpoint_is_not_detectable() -> None:
    # Documents the limit: the hash chain alone cannot tell a rewrite by someone with full
    # database rights from the original; checkpoints (and copies of them) can.
    append_events(8)

    rewrite_chain_from(3)

    assert verify_chain().ok


def test_a_broken_chain_is_logged_as_such() -> None:
    append_events(12)
    with event_trigger_disabled():
        raw_sql("UPDATE audit_auditevent SET object_id = %s WHERE sequence = %s", ["x", 4])

    report = verify_audit_chain_task()

    assert report == {"ok": False, "checked": 3, "broken_at": 4}
    logged = AuditEvent.objects.get(action="audit.chain_broken")
    assert logged.object_id == "4"
    assert logged.metadata["reason"] == "contents do not match the record's hash"
    assert not AuditCheckpoint.objects.exists()


def test_the_auditors_check_walks_only_from_the_nearest_checkpoint(
    client: Client, auditor: User
) -> None:
    append_events(25)
    run_verification()
    client.force_login(auditor)

    response = client.get(reverse("audit:event_verify", kwargs={"sequence": 24}))

    report = response.context["report"]
    assert (report.ok, report.started_after, report.checked) == (True, 20, 4)
    assert 'data-chain="ok"' in response.content.decode()


def test_the_auditors_check_fails_when_the_checkpoint_record_was_rewritten(
    client: Client, auditor: User
) -> None:
    append_events(25)
    run_verification()
    rewrite_chain_from(15)
    client.force_login(auditor)

    response = client.get(reverse("audit:event_verify", kwargs={"sequence": 24}))

    assert response.context["report"].broken == ChainBreak(
        20, "record no longer matches its checkpoint"
    )


def test_checkpoints_cannot_be_changed_or_deleted_through_the_application() -> None:
    append_events(10)
    run_verification()
    checkpoint = AuditCheckpoint.objects.get()

    with pytest.raises(AppendOnlyViolation):
        checkpoint.save()
    with pytest.raises(AppendOnlyViolation):
        checkpoint.delete()
    with pytest.raises(AppendOnlyViolation):
        AuditCheckpoint.objects.all().update(entry_hash="0" * 64)


@on_postgresql
def test_the_database_refuses_to_change_a_checkpoint() -> None:
    append_events(10)
    run_verification()

    with (
        pytest.raises(DatabaseError, match="audit_auditcheckpoint is append-only"),
        transaction.atomic(),
    ):
        raw_sql("UPDATE audit_auditcheckpoint SET entry_hash = %s", ["0" * 64])
