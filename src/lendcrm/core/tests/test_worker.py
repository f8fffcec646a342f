"""A real Celery worker on Redis runs a task sent by the application (no mocks)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from celery import Celery

REDIS_URL = "redis://127.0.0.1:6379/14"


def _redis_is_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_is_up(), reason="needs Redis on 127.0.0.1:6379 (CI starts it)")
def test_lendcrm_worker_runs_tasks_from_redis(tmp_path: Path) -> None:
    lendcrm = Path(sys.executable).parent / "lendcrm"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"REDIS_URL": REDIS_URL, "LENDCRM_DATA_DIR": str(tmp_path)}
    worker = subprocess.Popen(
        [str(lendcrm), "worker", "--concurrency", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = Celery("lendcrm-test-client", broker=REDIS_URL, backend=REDIS_URL)
    try:
        result = client.send_task("lendcrm.core.tasks.ping_task")
        assert result.get(timeout=60) == "pong"
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_worker_refuses_to_start_without_redis(tmp_path: Path) -> None:
    lendcrm = Path(sys.executable).parent / "lendcrm"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["LENDCRM_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [str(lendcrm), "worker"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert "REDIS_URL: not set" in result.stderr
