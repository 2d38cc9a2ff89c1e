"""WSGI entry point for billodash (used by gunicorn and runserver)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billodash.settings")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules) lives as long as the process.
# Frozen, it is no longer walked by every garbage collection; and with a higher first
# threshold, a request's short-lived objects (a page of parsed JSON, its rows) are freed by
# reference counting before a collection starts. Together 0.7-1.3 ms off a cache miss in
# A/B runs of two instances against one sandbox (README, Benchmark; defaults 700/10/10).
gc.collect()
gc.freeze()
gc.set_threshold(50_000, 20, 100)
