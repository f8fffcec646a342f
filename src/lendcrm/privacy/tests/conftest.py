from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lendcrm.core import clock
from lendcrm.privacy.key_rotation import format_ring


@pytest.fixture
def move_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[timedelta], datetime]:
    """Freeze lendcrm's clock now; each call moves it forward and returns the new time."""
    frozen = [clock.now()]
    monkeypatch.setattr(clock, "now", lambda: frozen[0])

    def advance(by: timedelta) -> datetime:
        frozen[0] = frozen[0] + by
        return frozen[0]

    return advance


@pytest.fixture
def embedded_ring(settings: Any, tmp_path: Path) -> list[tuple[str, bytes]]:
    """A one-key ring kept in a key file of a fresh data directory (embedded mode)."""
    ring = [("k1", secrets.token_bytes(32))]
    settings.DATA_DIR = tmp_path
    settings.LENDCRM_ENV = "development"
    settings.LENDCRM_ENCRYPTION_KEYS = ring
    (tmp_path / "keys.json").write_text(json.dumps({"encryption_keys": format_ring(ring)}))
    return ring
