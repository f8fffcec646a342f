"""Wakes the sealer that moves pending audit events into the hash chain (ADR 0013).

queue_event() asks for sealing once its transaction has committed. With a Celery broker
(REDIS_URL set) that enqueues `seal_audit_events_task` with a short countdown, at most once per
window per process: every event committed before the task's start time is sealed by it, a
later one enqueues the next. Without a broker each process runs one daemon thread that waits
to be woken, gathers for the same window, and seals everything pending. Either way a sealer
seals all pending events, not only its own process's, so an event whose process died before
waking anyone is sealed by the next wake-up anywhere, by the every-minute beat job, or by
`lendcrm audit verify`.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

# Events committed within this long of each other are sealed in one batch (one commit).
WINDOW_SECONDS = 0.2
# A sealer thread idle this long closes its database connection until it is woken again.
IDLE_SECONDS = 5.0
RETRY_SECONDS = 1.0


def request_sealing() -> None:
    """Called on commit of a transaction that queued an event: have it sealed soon."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        _thread_sealer.wake()
    else:
        _task_sealer.wake()


class _TaskSealer:
    """Enqueues the Celery task, debounced: one task per window per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._covered_until = 0.0  # events committed before then are sealed by a queued task

    def wake(self) -> None:
        now = time.time()
        with self._lock:
            if now < self._covered_until:
                return
            self._covered_until = now + WINDOW_SECONDS
        from lendcrm.audit.tasks import seal_audit_events_task

        seal_audit_events_task.apply_async(countdown=WINDOW_SECONDS)


class _ThreadSealer:
    """One daemon thread per process, started on first use (after gunicorn forks)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wanted = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def wake(self) -> None:
        self._wanted.set()
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._run, name="lendcrm-audit-sealer", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        from lendcrm.audit.services import seal_pending_events

        while True:
            if not self._wanted.wait(timeout=IDLE_SECONDS):
                connections.close_all()  # this thread's connections only
                continue
            time.sleep(WINDOW_SECONDS)
            # Cleared before reading: an event committed from here on wakes another round.
            self._wanted.clear()
            try:
                seal_pending_events()
            except Exception:
                logger.exception("sealing pending audit events failed; retrying")
                connections.close_all()
                time.sleep(RETRY_SECONDS)
                self._wanted.set()


_task_sealer = _TaskSealer()
_thread_sealer = _ThreadSealer()
