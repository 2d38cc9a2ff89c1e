"""`manage.py check_services`: fail loudly unless the database and the cache answer.

The running app forgives a cache outage (it serves misses); a deploy step or a test run
against the production services should not, so this asks each service directly.
"""

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from billodash.health import check_database


class Command(BaseCommand):
    help = "Check that the database and the cache are reachable; exit non-zero if not."

    def handle(self, *args, **options):
        problems = []
        database = settings.DATABASES["default"]
        try:
            check_database()
        except Exception as exc:  # any failure to connect is the answer
            problems.append(f"database ({database['ENGINE']}): {exc}")
        else:
            self.stdout.write(f"database: ok ({connection.vendor})")
        if settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
            try:
                # The raw client: the cache backend itself turns errors into misses.
                cache.client.get_client(write=True).ping()
            except Exception as exc:  # any failure to reach Redis is the answer
                problems.append(f"cache (Redis): {exc}")
            else:
                self.stdout.write("cache: ok (redis)")
        else:
            self.stdout.write("cache: ok (in-process)")
        if problems:
            raise CommandError("unreachable: " + "; ".join(problems))
