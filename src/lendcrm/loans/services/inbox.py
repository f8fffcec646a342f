"""The payment-notice inbox: the webhook stores a notice; batches post what has arrived.

Storing is one insert, unique per channel, transaction id and event, so a redelivered notice
finds the first row and gets its answer. Posting takes the waiting notices in arrival order,
many per transaction: runs of payments on distinct loans go through `batch_posting`, and a
reversal, or a second payment on a loan already in the run, closes the run first, so every
notice sees the effect of those before it, exactly as if they had been posted one by one.

With workers (REDIS_URL set) the webhook answers `accepted` and a worker posts within moments;
in the embedded default the webhook posts its own notice before answering.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from lendcrm.core.bulk import update_rows
from lendcrm.loans.choices import NoticeStatus
from lendcrm.loans.models import Loan, PaymentNotice
from lendcrm.loans.services.batch_posting import BatchPayment, BatchResult, post_batch

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
SUCCEEDED = "payment.succeeded"
REVERSED = "payment.reversed"
OUTCOME_STATUS = {
    "posted": NoticeStatus.POSTED,
    "duplicate": NoticeStatus.DUPLICATE,
    "reversed": NoticeStatus.REVERSED,
    "reversal_recorded": NoticeStatus.REVERSAL_RECORDED,
    "failed": NoticeStatus.FAILED,
}


@dataclass(frozen=True)
class StoredNotice:
    notice: PaymentNotice
    created: bool


def posting_is_queued() -> bool:
    return bool(settings.REDIS_URL) and not settings.CELERY_TASK_ALWAYS_EAGER


def store_notice(
    *, channel: str, txn_id: str, event: str, loan_no: str, amount: Decimal, paid_on: date
) -> StoredNotice:
    key = {"channel": channel, "txn_id": txn_id, "event": event}
    try:
        with transaction.atomic():
            notice = PaymentNotice.objects.create(
                **key, loan_no=loan_no, amount=amount, paid_on=paid_on
            )
    except IntegrityError:
        return StoredNotice(PaymentNotice.objects.get(**key), created=False)
    return StoredNotice(notice, created=True)


def post_received(*, limit: int = BATCH_SIZE, notice_ids: Iterable[int] | None = None) -> int:
    """Post the oldest waiting notices in one transaction; how many were handled (0: none wait).

    One transaction posts one run (payments on distinct loans) or a single reversal. Each
    transaction then takes its locks in one order (its notices, its loans by id, the audit
    chain head last) and releases them at commit, so parallel workers never deadlock.
    """
    with transaction.atomic():
        waiting = PaymentNotice.objects.filter(status=NoticeStatus.RECEIVED)
        if notice_ids is not None:
            waiting = waiting.filter(pk__in=list(notice_ids))
        notices = list(waiting.order_by("pk").select_for_update(skip_locked=True)[:limit])
        if not notices:
            return 0
        loan_ids = dict(
            Loan.objects.filter(loan_no__in={n.loan_no for n in notices}).values_list(
                "loan_no", "pk"
            )
        )
        run = _first_run(notices, loan_ids)
        if run:
            _post_run(run, loan_ids)
        elif notices[0].loan_no not in loan_ids:
            run = [notices[0]]
            _finish(run[0], BatchResult(run[0].pk, "failed", error="unknown loan"))
        else:
            run = [notices[0]]
            _post_alone(run[0], _reverse)
        update_rows(PaymentNotice, run, ["status", "payment", "error", "processed_at"])
    return len(run)


def _first_run(notices: list[PaymentNotice], loan_ids: dict[str, int]) -> list[PaymentNotice]:
    """Payments on distinct known loans, oldest first, from the oldest waiting notice on.

    Once a loan has a notice left out (a reversal, or a second payment), its later notices are
    left out too, so each loan's notices are still posted in arrival order.
    """
    first = notices[0]
    if first.event != SUCCEEDED or first.loan_no not in loan_ids:
        return []
    run: list[PaymentNotice] = []
    taken: set[int] = set()
    held_back: set[str] = set()
    for notice in notices:
        loan_id = loan_ids.get(notice.loan_no)
        if notice.loan_no in held_back:
            continue
        if notice.event != SUCCEEDED or loan_id is None or loan_id in taken:
            held_back.add(notice.loan_no)
            continue
        run.append(notice)
        taken.add(loan_id)
    return run


def drain(*, budget_seconds: float = 30.0, idle_seconds: float = 1.0) -> int:
    """Post batches until the inbox has stayed empty for `idle_seconds` or the budget is spent.

    Waiting a moment on an empty inbox covers a notice stored just after the last batch,
    whose webhook found a wake-up already requested and so asked for none.
    """
    started, handled = time.monotonic(), 0
    idle_since: float | None = None
    while time.monotonic() - started < budget_seconds:
        count = post_received()
        handled += count
        if count:
            idle_since = None
            continue
        idle_since = idle_since or time.monotonic()
        if time.monotonic() - idle_since >= idle_seconds:
            break
        time.sleep(0.05)
    return handled


def _post_run(run: list[PaymentNotice], loan_ids: dict[str, int]) -> None:
    items = [
        BatchPayment(
            key=n.pk,
            loan_id=loan_ids[n.loan_no],
            amount=n.amount,
            channel=n.channel,
            channel_txn_id=n.txn_id,
            value_date=n.paid_on,
        )
        for n in run
    ]
    try:
        with transaction.atomic():
            results = post_batch(items)
    except OperationalError:
        raise  # a lock or connection problem: nothing is kept, the notices are tried again
    except Exception:
        # One bad notice must not hold up the others: post the first alone (recording its
        # failure if it is the bad one) and leave the rest to the next transaction.
        logger.exception("batch posting failed; posting notice %s alone", run[0].pk)
        _post_alone(run[0], _post_one)
        del run[1:]
        return
    for notice, result in zip(run, results, strict=True):
        _finish(notice, result)


def _post_alone(notice: PaymentNotice, post: Callable[[PaymentNotice], BatchResult]) -> None:
    try:
        with transaction.atomic():
            result = post(notice)
    except OperationalError:
        raise  # transient: the notice stays waiting and is tried again
    except Exception as exc:  # recorded on the notice, which an operator can see and retry
        logger.warning("payment notice %s failed: %s", notice.pk, type(exc).__name__)
        result = BatchResult(notice.pk, "failed", error=str(exc)[:200])
    _finish(notice, result)


def _post_one(notice: PaymentNotice) -> BatchResult:
    from lendcrm.loans.choices import PaymentSource
    from lendcrm.loans.services.repayments import post_payment

    loan = Loan.objects.get(loan_no=notice.loan_no)
    posting = post_payment(
        loan,
        amount=notice.amount,
        channel=notice.channel,
        channel_txn_id=notice.txn_id,
        value_date=notice.paid_on,
        source=PaymentSource.WEBHOOK,
    )
    return BatchResult(notice.pk, "posted" if posting.created else "duplicate", posting.payment.pk)


def _reverse(notice: PaymentNotice) -> BatchResult:
    from lendcrm.loans.services.webhooks import reverse_notice

    outcome = reverse_notice(notice)
    return BatchResult(notice.pk, outcome.outcome, outcome.payment_id)


def _finish(notice: PaymentNotice, result: BatchResult) -> None:
    """Set the notice's result; post_received saves the whole batch of notices at once."""
    notice.status = OUTCOME_STATUS[result.outcome]
    notice.payment_id = result.payment_id
    notice.error = result.error[:200]
    notice.processed_at = timezone.now()
