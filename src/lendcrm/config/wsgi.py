"""WSGI entry point (gunicorn lendcrm.config.wsgi)."""

from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendcrm.config.settings")
application = get_wsgi_application()

# Load the URL configuration (every app's views and API) now rather than on the first request,
# then move everything loaded so far out of the cyclic garbage collector's reach: it lives as
# long as the process, and a full collection walking it paused a request for 50-500 ms under
# load (ADR 0013).
get_resolver().url_patterns  # noqa: B018 — imports the URLconf
gc.collect()
gc.freeze()
