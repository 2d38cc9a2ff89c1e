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
UNANSWERED_LIMIT = 3  # lock checks in a row the cache fails to answer before a waiter stops


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
    if not refresh and _fresh(stored):
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


def _fresh(entry: Cached | None) -> bool:
    return _age_under(entry, settings.BILLODASH_CACHE_TTL)


def _age_under(entry: Cached | None, seconds: int) -> bool:
    return entry is not None and timezone.now() - entry.fetched_at < timedelta(seconds=seconds)


def _fetched_once(key: str, fetch: Callable[[], Any], refresh: bool) -> Cached:
    """Fetch, unless another caller already is: then wait for its answer."""
    if refresh:
        return _fetch_and_store(key, fetch)
    lock_key, token = f"{key}:lock", uuid.uuid4().hex
    # add() and has_key() answer None rather than True or False when the cache did not
    # answer (django-redis with IGNORE_EXCEPTIONS): look again before fetching on that basis.
    taken = cache.add(lock_key, token, timeout=LOCK_SECONDS)
    if taken is None and cache.has_key(lock_key):
        taken = False
    if taken is False:
        return _wait_for_winner(key, lock_key, fetch)
    try:
        # A caller held up between its first look and the lock can find the answer already
        # stored by the caller that held the lock before it.
        stored = cache.get(key)
        if _fresh(stored):
            return replace(stored, from_cache=True)
        return _fetch_and_store(key, fetch)
    finally:
        if taken and cache.get(lock_key) == token:
            cache.delete(lock_key)


def _fetch_and_store(key: str, fetch: Callable[[], Any]) -> Cached:
    entry = Cached(fetch(), timezone.now(), key)
    keep = max(settings.BILLODASH_CACHE_TTL, settings.BILLODASH_STALE_TTL)
    cache.set(key, entry, timeout=keep)
    return entry


def _wait_for_winner(key: str, lock_key: str, fetch: Callable[[], Any]) -> Cached:
    """Another caller is fetching: wait for its answer, or fetch once its lock is gone (or
    the cache stops answering)."""
    give_up_at = time.monotonic() + settings.BILLOGRAM_DEADLINE
    unanswered = 0
    while time.monotonic() < give_up_at:
        time.sleep(POLL_SECONDS)
        held = cache.has_key(lock_key)  # None: the cache did not answer this time
        # Read the answer after the lock: a winner stores its answer before dropping the lock.
        hit = cache.get(key)
        if _fresh(hit):
            return replace(hit, from_cache=True)
        if held is False:
            break  # the winner failed: try ourselves rather than show its error blindly
        unanswered = unanswered + 1 if held is None else 0
        if unanswered >= UNANSWERED_LIMIT:
            break  # the cache is down: no answer will arrive through it
    return _fetch_and_store(key, fetch)
