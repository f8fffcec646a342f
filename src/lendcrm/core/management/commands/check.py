from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands.check import Command as DjangoCheck


class Command(DjangoCheck):
    help = (
        "Run Django's system checks; in production (LENDCRM_ENV=production) the deploy checks too."
    )

    def handle(self, *app_labels: Any, **options: Any) -> None:
        if settings.LENDCRM_ENV == "production":
            options["deploy"] = True
        super().handle(*app_labels, **options)
