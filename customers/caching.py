"""Short-lived caching of Billogram answers, with one upstream call per cold key.

Concurrent misses for the same key elect one caller with an atomic `cache.add` lock; the
others wait briefly for its answer instead of asking Billogram too. Because the lock lives in
Django's cache, this holds across processes that share the cache (Redis), not just threads.
"""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from billodash.logs import cache_use

LOCK_SECONDS = 30  # longer than any single Billogram call may take (BILLOGRAM_DEADLINE)
POLL_SECONDS = 0.02


@dataclass(frozen=True)
class Cached:
    value: Any
    fetched_at: datetime
    key: str  # the cache key it is stored under: with fetched_at, names this very answer
    from_cache: bool = False
    stale: bool = False  # an older copy, shown because fetching a fresh one failed


def fetch_cached(
    key: str,
    fetch: Callable[[], Any],
    *,
    refresh: bool = False,
    stale_on: tuple[type[Exception], ...] = (),
) -> Cached:
    """The value under `key`, fetched with `fetch()` on a miss (or always, with refresh).

    An answer is fresh for BILLODASH_CACHE_TTL seconds. It is kept for BILLODASH_STALE_TTL
    seconds all told, so that when a fetch fails with one of `stale_on` the older copy can
    be returned instead (marked stale). Ages come from the answer's own fetch time, so they
    hold whatever clock the cache server keeps.
    """
    stored = cache.get(key)
    if not refresh and _age_under(stored, settings.BILLODASH_CACHE_TTL):
        cache_use.set("hit")
        return replace(stored, from_cache=True)
    try:
        found = _fetched_once(key, fetch, refresh)
    except stale_on:
        if not _age_under(stored, settings.BILLODASH_STALE_TTL):
            raise
        cache_use.set("stale")
        return replace(stored, from_cache=True, stale=True)
    cache_use.set("hit" if found.from_cache else "miss")
    return found


def _age_under(entry: Cached | None, seconds: int) -> bool:
    return entry is not None and timezone.now() - entry.fetched_at < timedelta(seconds=seconds)


def _fetched_once(key: str, fetch: Callable[[], Any], refresh: bool) -> Cached:
    """Fetch, unless another caller already is: then wait for its answer."""
    lock_key, token = f"{key}:lock", uuid.uuid4().hex
    # add() is True for the one caller that takes the lock, False for the others, and None
    # when the cache could not be reached (django-redis with IGNORE_EXCEPTIONS): then there
    # is no one to wait for.
    if refresh or cache.add(lock_key, token, timeout=LOCK_SECONDS) is not False:
        try:
            return _fetch_and_store(key, fetch)
        finally:
            if not refresh and cache.get(lock_key) == token:
                cache.delete(lock_key)
    return _wait_for_winner(key, lock_key, fetch)


def _fetch_and_store(key: str, fetch: Callable[[], Any]) -> Cached:
    entry = Cached(fetch(), timezone.now(), key)
    keep = max(settings.BILLODASH_CACHE_TTL, settings.BILLODASH_STALE_TTL)
    cache.set(key, entry, timeout=keep)
    return entry


def _wait_for_winner(key: str, lock_key: str, fetch: Callable[[], Any]) -> Cached:
    """Another caller is fetching: wait for its answer, or fetch once its lock is gone."""
    give_up_at = time.monotonic() + settings.BILLOGRAM_DEADLINE
    while time.monotonic() < give_up_at:
        time.sleep(POLL_SECONDS)
        lock_gone = cache.get(lock_key) is None
        # Read the answer after the lock: a winner stores its answer before dropping the lock.
        hit = cache.get(key)
        if _age_under(hit, settings.BILLODASH_CACHE_TTL):
            return replace(hit, from_cache=True)
        if lock_gone:
            break  # the winner failed: try ourselves rather than show its error blindly
    return _fetch_and_store(key, fetch)
