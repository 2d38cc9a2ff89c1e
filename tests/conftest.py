import os
import socket
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import override_settings

from customers import billogram
from sandbox.seeding import seed_account

REDIS_BACKEND = "django_redis.cache.RedisCache"
REDIS_TEST_DBS = range(1, 15)  # db 0 is the configured one, db 15 belongs to tests/services


@pytest.fixture(scope="session", autouse=True)
def redis_db_per_worker():
    """On a Redis cache, give each xdist worker a Redis database of its own, emptied first.

    Tests empty the cache (cache.clear() is FLUSHDB) and cache keys hold connection ids,
    which repeat across the workers' separate test databases: sharing one Redis database,
    one worker would wipe or read another's entries. Worker gwN uses db 1 + N (db 1 without
    xdist). override_settings resets Django's cache handlers, so every thread, live_server's
    included, opens the worker's database; tests may still override CACHES on top. The
    database is emptied through the raw client, so an unreachable Redis fails the run here
    instead of being forgiven (IGNORE_EXCEPTIONS) as a miss.
    """
    default = django_settings.CACHES["default"]
    if default["BACKEND"] != REDIS_BACKEND:
        yield
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    db = REDIS_TEST_DBS[0] + int(worker.removeprefix("gw"))
    if db not in REDIS_TEST_DBS:
        raise pytest.UsageError(f"Redis has no spare test database for xdist worker {worker}")
    url = urlsplit(default["LOCATION"])  # one redis:// URL, as settings.py builds it
    query = urlencode([(name, value) for name, value in parse_qsl(url.query) if name != "db"])
    location = url._replace(path=f"/{db}", query=query).geturl()
    with override_settings(
        CACHES={**django_settings.CACHES, "default": {**default, "LOCATION": location}}
    ):
        caches["default"].client.get_client(write=True).flushdb()
        yield


@pytest.fixture
def unreachable_redis(settings):
    """Point the cache at a Redis that refuses connections, configured as settings.py does.

    The port is bound on loopback but never listened on, so nothing can answer there for the
    test's life and each connection attempt is refused at once. Yields the Redis URL.
    """
    with socket.socket() as reserved:
        reserved.bind(("127.0.0.1", 0))
        url = f"redis://127.0.0.1:{reserved.getsockname()[1]}/0"
        settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
        settings.DJANGO_REDIS_LOGGER = "billodash.cache"
        settings.CACHES = {
            "default": {
                "BACKEND": REDIS_BACKEND,
                "LOCATION": url,
                "KEY_PREFIX": "billodash",
                "OPTIONS": {
                    "IGNORE_EXCEPTIONS": True,
                    "SOCKET_CONNECT_TIMEOUT": 0.25,
                    "SOCKET_TIMEOUT": 0.25,
                },
            }
        }
        yield url


@pytest.fixture
def sandbox_account(db):
    """Make a seeded sandbox account with its API user: sandbox_account("acme", customers=30)."""

    def make(name="acme", *, customers=30, seed=1, api_user="acme-api", api_key="acme-key"):
        return seed_account(
            account_name=name, customers=customers, seed=seed, api_user=api_user, api_key=api_key
        )

    return make


@pytest.fixture
def sandbox_url(live_server):
    """The base URL of the built-in sandbox served over real HTTP by live_server."""
    yield f"{live_server.url}/sandbox/api/v2"
    # A kept-alive connection would hold a live_server thread past the test database's life.
    billogram.close_connections()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real password hashing costs ~0.3 s per login; tests need its behaviour, not its cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
