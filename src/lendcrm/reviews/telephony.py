"""Click-to-call (一键拨号) through a telephony adapter. The adapter gets the real number on
the server; pages and records only ever see it masked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from lendcrm.core import clock

DEFAULT_TELEPHONY = "lendcrm.reviews.telephony.FakeTelephony"


@dataclass(frozen=True)
class CallHandle:
    call_id: str
    started_at: datetime
    recording_url: str = ""  # where the recording will be, when the system records calls


class Telephony(Protocol):
    def call(self, from_agent: Any, to_number: str) -> CallHandle: ...


@dataclass(frozen=True)
class FakeCall:
    agent_id: int | None
    to_number: str
    handle: CallHandle


class FakeTelephony:
    """Records every call in memory (tests read `FakeTelephony.calls`); nothing is dialled."""

    calls: ClassVar[list[FakeCall]] = []

    def call(self, from_agent: Any, to_number: str) -> CallHandle:
        call_id = uuid.uuid4().hex
        handle = CallHandle(
            call_id=call_id,
            started_at=clock.now(),
            recording_url=f"https://recordings.telephony.invalid/{call_id}.mp3",
        )
        self.calls.append(FakeCall(getattr(from_agent, "pk", None), to_number, handle))
        return handle


def get_telephony() -> Telephony:
    """The configured adapter (setting LENDCRM_TELEPHONY); the fake by default."""
    path = getattr(settings, "LENDCRM_TELEPHONY", DEFAULT_TELEPHONY)
    telephony: Telephony = import_string(path)()
    return telephony
