"""Small builders shared by the tests."""

import pickle
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import QueryDict
from django_redis.cache import RedisCache

from connections.models import BillogramConnection
from customers.billogram import BillogramClient
from customers.forms import CustomerSearchForm
from customers.query import SearchQuery
from customers.records import CustomerRow


def connect(user, *, base_url, api_user="acme-api", api_key="acme-key", label="Acme",
            active=True) -> BillogramConnection:  # fmt: skip
    """Give `user` a custom-environment connection to `base_url` (e.g. the live sandbox)."""
    connection = BillogramConnection(
        owner=user, label=label, environment=BillogramConnection.Environment.CUSTOM,
        custom_base_url=base_url, api_user=api_user, is_active=active,
    )  # fmt: skip
    connection.set_api_password(api_key)
    connection.save()
    return connection


def connected_user(username, *, base_url, password="pw", **connection) -> object:
    """A new staff login with one active connection."""
    user = get_user_model().objects.create_user(username, password=password)
    connect(user, base_url=base_url, **connection)
    return user


def count_fetches(monkeypatch, *, record: Callable[[str, dict | None], object]) -> list:
    """Every request the dashboard sends to Billogram, as `record(path, params)` makes it.

    Counted at BillogramClient._fetch, the one place a request leaves the dashboard; safe
    across the threads of one test.
    """
    calls = []
    lock = threading.Lock()
    original = BillogramClient._fetch

    def counting(self, path, params, deadline):
        with lock:
            calls.append(record(path, params))
        return original(self, path, params, deadline)

    monkeypatch.setattr(BillogramClient, "_fetch", counting)
    return calls


def parse(querystring: str) -> SearchQuery:
    """What the search page makes of a query string (with or without its leading '?')."""
    form = CustomerSearchForm(QueryDict(querystring.removeprefix("?")))
    assert form.is_valid(), form.errors
    return form.to_query()


def rows(numbers) -> list[CustomerRow]:
    """Search-page records numbered `numbers`, each named after its number."""
    return [CustomerRow.from_api({"customer_no": n, "name": f"Customer {n}"}) for n in numbers]


# The results' "fetched HH:MM:SS[, cached]" line: the time, and whether it came from the cache.
FRESHNESS = re.compile(r"fetched (\d\d:\d\d:\d\d)(, cached)?")


def page_text(response) -> str:
    """The response's body with every run of whitespace made one space."""
    return " ".join(response.content.decode().split())


@dataclass(frozen=True)
class Stored:
    """One cache entry as the backend holds it."""

    key: str  # the full key (prefix and version included)
    raw: bytes  # the bytes kept: pickled, or for django-redis a plain int as its digits
    value: object  # raw decoded the way the backend itself decodes it


def cache_contents() -> list[Stored]:
    """Every entry in the default cache, read underneath the cache API: in-process or Redis.

    For Redis this lists the whole database (each test worker has its own, see conftest.py),
    not only keys under billodash's prefix, so nothing stored elsewhere escapes a check.
    """
    cache = caches["default"]
    if isinstance(cache, LocMemCache):
        with cache._lock:
            held = list(cache._cache.items())
        return [Stored(key, raw, pickle.loads(raw)) for key, raw in held]  # noqa: S301
    if isinstance(cache, RedisCache):
        client = cache.client.get_client(write=False)
        held = [(key, client.get(key)) for key in client.scan_iter()]
        return [
            Stored(key.decode(), raw, cache.client.decode(raw))
            for key, raw in held
            if raw is not None  # expired between the scan and the read
        ]
    raise NotImplementedError(f"cache_contents() cannot read {type(cache).__name__}")
