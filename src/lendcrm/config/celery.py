"""The Celery application. Tasks run in-process (eagerly) when REDIS_URL is unset."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendcrm.config.settings")

app = Celery("lendcrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
