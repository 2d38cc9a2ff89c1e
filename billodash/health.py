"""/healthz: is this instance able to serve? Checks its own database and cache, never Billogram.

Answers JSON: {"status": "ok" | "degraded" | "error", "checks": {"database": …, "cache": …}}.
"""

import logging
import uuid

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger("billodash.health")


def check_database() -> None:
    """Raises unless the database answers a query (also used by `manage.py check_services`)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    key, value = f"healthz:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, timeout=5)
    if cache.get(key) != value:
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


@never_cache
@login_not_required
def healthz(request):
    checks = {}
    for name, check in (("database", check_database), ("cache", _cache)):
        try:
            check()
        except Exception:  # any failure of a dependency is a failed check, never a 500
            logger.exception("health check %s failed", name)
            checks[name] = "error"
        else:
            checks[name] = "ok"
    # Without its database an instance cannot serve: 503 takes it out of the load balancer.
    # Without the cache it still serves (every read is a miss), and so would every other
    # instance sharing that cache: "degraded" with 200 keeps them all in.
    if checks["database"] != "ok":
        status, code = "error", 503
    elif checks["cache"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)
