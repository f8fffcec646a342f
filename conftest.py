"""Test-wide set-up: background jobs run in-process, tests never reach the network."""

from __future__ import annotations

import os
from typing import Any

import hypothesis
import pytest

os.environ.setdefault("LENDCRM_ENV", "test")

# CI shares its cores: a slow example is not a failure, a wrong one is.
hypothesis.settings.register_profile(
    "lendcrm", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("lendcrm")


@pytest.fixture(autouse=True)
def _eager_celery(settings: Any) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from lendcrm.config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
