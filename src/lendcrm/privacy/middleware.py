"""Embedded mode: a running server picks up the key ring that `lendcrm keys rotate` stored.

Settings are read once at start-up, so without this a server started before a rotation could
not decrypt the rows the rotation re-encrypts under the new key. In production the ring comes
from LENDCRM_ENCRYPTION_KEYS and operators roll it out with a restart; this does nothing there.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from lendcrm.config.env import ConfigError, key_file, parse_key_ring
from lendcrm.privacy.key_rotation import current_ring, keys_live_in_key_file, use_ring

logger = logging.getLogger(__name__)


class KeyRingReloadMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = keys_live_in_key_file()
        self.seen = self._stamp() if self.enabled else None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.enabled:
            self.reload_if_changed()
        return self.get_response(request)

    def reload_if_changed(self) -> bool:
        stamp = self._stamp()
        if stamp == self.seen:
            return False
        self.seen = stamp
        try:
            raw = json.loads(key_file(settings.DATA_DIR).read_text())["encryption_keys"]
            ring = parse_key_ring(raw)
        except (OSError, ValueError, KeyError, ConfigError):
            logger.exception("key file changed but cannot be read; keeping the current key ring")
            return False
        if ring == current_ring():
            return False
        use_ring(ring)
        logger.info("encryption key ring reloaded", extra={"primary_key_id": ring[0][0]})
        return True

    @staticmethod
    def _stamp() -> int | None:
        try:
            return key_file(settings.DATA_DIR).stat().st_mtime_ns
        except OSError:
            return None
