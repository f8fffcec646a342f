"""Encryption at rest of personal data, and keyed blind indexes for exact lookup.

Ciphertext format: `v1:<key id>:<base64(nonce || AES-256-GCM ciphertext+tag)>`. The column
name is bound in as associated data, so a ciphertext copied into another column fails to
decrypt. The first key of LENDCRM_ENCRYPTION_KEYS encrypts; every key in the ring decrypts,
which is what lets `lendcrm keys rotate` re-encrypt rows while the application keeps running.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "v1"


class DecryptionError(Exception):
    """A stored value cannot be decrypted with any key in the ring."""


@lru_cache(maxsize=8)
def _ciphers(ring: tuple[tuple[str, bytes], ...]) -> dict[str, AESGCM]:
    return {key_id: AESGCM(material) for key_id, material in ring}


def key_ring() -> tuple[tuple[str, bytes], ...]:
    return tuple(settings.LENDCRM_ENCRYPTION_KEYS)


def primary_key_id() -> str:
    return key_ring()[0][0]


def encrypt(plaintext: str, *, context: str) -> str:
    ring = key_ring()
    key_id = ring[0][0]
    nonce = os.urandom(12)
    sealed = _ciphers(ring)[key_id].encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, context: str) -> str:
    try:
        version, key_id, payload = token.split(":", 2)
    except ValueError as exc:
        raise DecryptionError("not a lendcrm ciphertext") from exc
    cipher = _ciphers(key_ring()).get(key_id)
    if version != PREFIX or cipher is None:
        raise DecryptionError(f"no key {key_id!r} in the key ring")
    raw = base64.b64decode(payload)
    try:
        return cipher.decrypt(raw[:12], raw[12:], context.encode()).decode()
    except InvalidTag as exc:
        raise DecryptionError("ciphertext does not authenticate") from exc


def key_id_of(token: str) -> str:
    return token.split(":", 2)[1]


def blind_index(normalised_value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of a normalised value: equal inputs give equal indexes, nothing else leaks."""
    mac = hmac.new(
        settings.LENDCRM_BLIND_INDEX_KEY,
        f"{purpose}\x1f{normalised_value}".encode(),
        hashlib.sha256,
    )
    return mac.hexdigest()[:40]
