"""Operational tasks: a round trip through the broker proves the workers are alive."""

from __future__ import annotations

from celery import shared_task


@shared_task
def ping_task() -> str:
    return "pong"
