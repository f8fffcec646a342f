"""`lendcrm audit verify` finds the first record an attacker changed, removed or cut off."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from lendcrm.audit.models import AuditChainHead, AuditEvent
from lendcrm.audit.services import record_event, verify_chain
from lendcrm.audit.tests.helpers import append_events, event_trigger_disabled, raw_sql
from lendcrm.audit.verification import CHAIN_COLUMNS, ChainBreak, check_event_links, recompute_hash


def run_verify(*args: str) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_verify_passes_on_a_fresh_chain_and_counts_the_records() -> None:
    append_events(12)
    last_hash = AuditChainHead.objects.get().last_hash

    output = run_verify("--batch-size", "5")

    assert output.startswith("audit chain intact: 12 records verified")
    assert f"last #12 sha256 {last_hash}" in output


@pytest.mark.django_db
def test_verify_passes_on_an_empty_log() -> None:
    assert run_verify().startswith("audit chain intact: 0 records verified")


@pytest.mark.django_db
def test_editing_a_row_fails_verification_at_that_row() -> None:
    append_events(10)

    with event_trigger_disabled():
        raw_sql("UPDATE audit_auditevent SET action = %s WHERE sequence = %s", ["forged", 6])

    with pytest.raises(CommandError, match="broken at record 6: contents do not match"):
        run_verify("--batch-size", "4")


@pytest.mark.django_db
def test_rewriting_a_row_with_a_fresh_hash_breaks_the_link_of_the_next_row() -> None:
    append_events(5)
    with event_trigger_disabled():
        raw_sql("UPDATE audit_auditevent SET action = %s WHERE sequence = %s", ["forged", 3])
        row = AuditEvent.objects.filter(sequence=3).values(*CHAIN_COLUMNS).get()
        raw_sql(
            "UPDATE audit_auditevent SET entry_hash = %s WHERE sequence = %s",
            [recompute_hash(row), 3],
        )

    assert verify_chain().broken == ChainBreak(4, "previous-hash link does not match")


@pytest.mark.django_db
def test_editing_who_did_it_is_detected() -> None:
    append_events(3, username="alice")

    with event_trigger_disabled():
        raw_sql("UPDATE audit_auditevent SET actor_username = %s WHERE sequence = %s", ["bob", 2])

    assert verify_chain().broken == ChainBreak(2, "contents do not match the record's hash")


@pytest.mark.django_db
def test_deleting_a_row_in_the_middle_fails_at_the_following_sequence() -> None:
    append_events(10)

    with event_trigger_disabled():
        raw_sql("DELETE FROM audit_auditevent WHERE sequence = %s", [4])

    with pytest.raises(CommandError, match="broken at record 5: record 4 is missing"):
        run_verify()


@pytest.mark.django_db
def test_deleting_the_first_row_is_detected() -> None:
    append_events(3)

    with event_trigger_disabled():
        raw_sql("DELETE FROM audit_auditevent WHERE sequence = %s", [1])

    broken = verify_chain().broken
    assert broken is not None
    assert (broken.sequence, broken.reason) == (2, "record 1 is missing")


@pytest.mark.django_db
def test_truncating_the_tail_is_detected_through_the_chain_head() -> None:
    append_events(10)

    with event_trigger_disabled():
        raw_sql("DELETE FROM audit_auditevent WHERE sequence > %s", [7])

    with pytest.raises(CommandError, match="broken at record 8: records missing at the end"):
        run_verify()


@pytest.mark.django_db
def test_the_auditors_check_up_to_a_record_ignores_later_damage() -> None:
    append_events(6)
    with event_trigger_disabled():
        raw_sql("UPDATE audit_auditevent SET action = %s WHERE sequence = %s", ["forged", 5])

    assert verify_chain(up_to=4).ok
    assert verify_chain(up_to=4).checked == 4
    broken = verify_chain(up_to=6).broken
    assert broken is not None
    assert broken.sequence == 5


@pytest.mark.django_db
def test_the_local_check_of_one_record_spots_a_broken_link() -> None:
    append_events(3)
    with event_trigger_disabled():
        raw_sql("UPDATE audit_auditevent SET entry_hash = %s WHERE sequence = %s", ["b" * 64, 2])

    assert check_event_links(AuditEvent.objects.get(sequence=1)) == ""
    assert check_event_links(AuditEvent.objects.get(sequence=3)) == (
        "previous-hash link does not match"
    )


@pytest.mark.django_db
def test_a_bad_batch_size_is_refused_with_the_option_named() -> None:
    with pytest.raises(CommandError, match="--batch-size: must be at least 1"):
        run_verify("--batch-size", "0")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite allows one writer at a time, no row locks"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_unbroken_chain() -> None:
    threads, per_thread = 8, 50
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def append(worker: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                record_event("test.concurrent", object_id=f"{worker}-{i}")
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=append, args=(w,)) for w in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, threads * per_thread + 1))
    assert AuditEvent.objects.values("object_id").distinct().count() == threads * per_thread
    report = verify_chain()
    assert report.ok
    assert report.checked == threads * per_thread
