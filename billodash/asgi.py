"""ASGI entry point for billodash."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billodash.settings")

application = get_asgi_application()
