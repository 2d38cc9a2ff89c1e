"""WSGI entry point for billodash (used by gunicorn and runserver)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billodash.settings")

application = get_wsgi_application()
