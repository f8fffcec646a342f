"""Reads lendcrm's configuration from the environment.

Every variable is parsed here, once; a bad value raises ConfigError naming the
variable so that start-up stops with one clear line instead of a traceback.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url


class ConfigError(Exception):
    """A configuration variable holds a value lendcrm cannot use."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


@dataclass(frozen=True)
class Config:
    environment: str
    debug: bool
    data_dir: Path
    database: dict[str, Any]
    database_is_embedded: bool
    redis_url: str | None
    secret_key: str
    encryption_keys: list[tuple[str, bytes]]
    blind_index_key: bytes
    allowed_hosts: list[str]
    log_level: str
    demo_password: str | None

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


DEMO_PASSWORD_DEFAULT = "lendcrm-demo"  # noqa: S105 — documented, refused in production
ENVIRONMENTS = ("development", "production", "test")


def load_config(environ: dict[str, str] | None = None) -> Config:
    env = dict(os.environ if environ is None else environ)
    environment = env.get("LENDCRM_ENV", "development").strip() or "development"
    if environment not in ENVIRONMENTS:
        raise ConfigError("LENDCRM_ENV", f"must be one of {', '.join(ENVIRONMENTS)}")
    production = environment == "production"
    data_dir = Path(env.get("LENDCRM_DATA_DIR") or Path.cwd() / "var").expanduser().resolve()
    database, embedded = _database(env.get("DATABASE_URL", "").strip(), data_dir)
    if embedded or not production:
        _ensure_dir(data_dir)
    keys = _key_material(env, data_dir, production)
    return Config(
        environment=environment,
        debug=_flag(env, "LENDCRM_DEBUG", default=not production),
        data_dir=data_dir,
        database=database,
        database_is_embedded=embedded,
        redis_url=_redis_url(env.get("REDIS_URL", "").strip()),
        secret_key=keys["secret_key"],
        encryption_keys=keys["encryption_keys"],
        blind_index_key=keys["blind_index_key"],
        allowed_hosts=_hosts(env.get("LENDCRM_ALLOWED_HOSTS", ""), production),
        log_level=env.get("LENDCRM_LOG_LEVEL", "INFO").upper(),
        demo_password=_demo_password(env, production),
    )


def _flag(env: dict[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(name, f"must be true or false, got {raw!r}")


def _ensure_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError("LENDCRM_DATA_DIR", f"cannot create {path}: {exc.strerror}") from exc


def _database(url: str, data_dir: Path) -> tuple[dict[str, Any], bool]:
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(data_dir / "lendcrm.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }, True
    scheme = urlsplit(url).scheme
    if scheme not in ("postgres", "postgresql", "pgsql", "sqlite"):
        raise ConfigError(
            "DATABASE_URL", f"unsupported scheme {scheme or '(none)'!r}; use postgresql://"
        )
    try:
        parsed = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except ValueError as exc:
        raise ConfigError("DATABASE_URL", f"cannot parse it ({exc})") from exc
    if scheme != "sqlite" and not parsed.get("NAME"):
        raise ConfigError("DATABASE_URL", "names no database (postgresql://user@host:5432/NAME)")
    return parsed, scheme == "sqlite"


def _redis_url(url: str) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ConfigError("REDIS_URL", "must look like redis://host:6379/0")
    try:
        _ = parts.port
    except ValueError as exc:
        raise ConfigError("REDIS_URL", "has an invalid port") from exc
    return url


def _hosts(raw: str, production: bool) -> list[str]:
    hosts = [h.strip() for h in raw.split(",") if h.strip()]
    if hosts:
        return hosts
    if production:
        raise ConfigError(
            "LENDCRM_ALLOWED_HOSTS", "is required in production (comma-separated host names)"
        )
    return ["127.0.0.1", "localhost", "testserver", "[::1]"]


def _demo_password(env: dict[str, str], production: bool) -> str | None:
    password = env.get("LENDCRM_DEMO_PASSWORD", "")
    if password:
        return password
    return None if production else DEMO_PASSWORD_DEFAULT


def _key_material(env: dict[str, str], data_dir: Path, production: bool) -> dict[str, Any]:
    """Secret key, encryption key ring and blind-index key.

    In production every key comes from the environment. Elsewhere a missing key is
    generated once into DATA_DIR/keys.json (never committed) and reused after.
    """
    stored = {} if production else _read_key_file(data_dir)
    secret_key = env.get("LENDCRM_SECRET_KEY") or stored.get("secret_key")
    ring_raw = env.get("LENDCRM_ENCRYPTION_KEYS") or stored.get("encryption_keys")
    blind_raw = env.get("LENDCRM_BLIND_INDEX_KEY") or stored.get("blind_index_key")
    if production:
        for name, value in (
            ("LENDCRM_SECRET_KEY", secret_key),
            ("LENDCRM_ENCRYPTION_KEYS", ring_raw),
            ("LENDCRM_BLIND_INDEX_KEY", blind_raw),
        ):
            if not value:
                raise ConfigError(name, "is required in production")
    changed = False
    if not secret_key:
        secret_key, changed = secrets.token_urlsafe(50), True
    if not ring_raw:
        ring_raw, changed = f"k1:{_new_key()}", True
    if not blind_raw:
        blind_raw, changed = _new_key(), True
    if changed:
        _write_key_file(
            data_dir,
            {
                **stored,
                "secret_key": secret_key,
                "encryption_keys": ring_raw,
                "blind_index_key": blind_raw,
            },
        )
    return {
        "secret_key": secret_key,
        "encryption_keys": parse_key_ring(ring_raw),
        "blind_index_key": _decode_key("LENDCRM_BLIND_INDEX_KEY", blind_raw),
    }


def _new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def parse_key_ring(raw: str) -> list[tuple[str, bytes]]:
    """`k2:BASE64,k1:BASE64`: the first key encrypts, every key decrypts."""
    ring: list[tuple[str, bytes]] = []
    for item in raw.split(","):
        key_id, sep, material = item.strip().partition(":")
        if not sep or not key_id.isalnum():
            raise ConfigError(
                "LENDCRM_ENCRYPTION_KEYS", "must be a list of ID:BASE64KEY separated by commas"
            )
        ring.append((key_id, _decode_key("LENDCRM_ENCRYPTION_KEYS", material)))
    if len({key_id for key_id, _ in ring}) != len(ring):
        raise ConfigError("LENDCRM_ENCRYPTION_KEYS", "repeats a key id")
    return ring


def _decode_key(variable: str, material: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(material.encode())
    except (ValueError, TypeError) as exc:
        raise ConfigError(variable, "is not valid base64") from exc
    if len(key) != 32:
        raise ConfigError(variable, "keys must be 32 bytes (base64 of 32 random bytes)")
    return key


def key_file(data_dir: Path) -> Path:
    return data_dir / "keys.json"


def _read_key_file(data_dir: Path) -> dict[str, str]:
    path = key_file(data_dir)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError("LENDCRM_DATA_DIR", f"{path.name} is unreadable: {exc}") from exc
    return {k: str(v) for k, v in data.items()}


def _write_key_file(data_dir: Path, data: dict[str, str]) -> None:
    _ensure_dir(data_dir)
    path = key_file(data_dir)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    tmp.chmod(0o600)
    tmp.replace(path)


def write_key_ring(data_dir: Path, ring_raw: str) -> None:
    """Store a new encryption key ring in the embedded key file (key rotation)."""
    stored = _read_key_file(data_dir)
    stored["encryption_keys"] = ring_raw
    _write_key_file(data_dir, stored)
