"""Single-flight in customers/caching.py: one fetch per cold key, even when callers are held
up at awkward moments, and no waiter left hanging when the cache stops answering."""

import threading
import time

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

from customers import caching

pytestmark = pytest.mark.usefixtures("in_process_cache")


@pytest.fixture
def in_process_cache(settings):
    """These tests hold up or fail chosen calls of the in-process cache backend."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "single-flight-tests",
        }
    }
    settings.BILLODASH_CACHE_TTL = 60
    cache.clear()
    yield
    cache.clear()


def _slow_fetch(calls, fetching: threading.Event | None = None):
    def fetch():
        calls.append(threading.current_thread().name)
        if fetching is not None:
            fetching.set()
        time.sleep(0.3)
        return "answer"

    return fetch


def _run_in_threads(first, second, second_may_start: threading.Event, fetching=None):
    """fetch_cached("key") in two named threads, the second started once `second_may_start`
    is set. Returns each thread's result and the names of the threads that fetched."""
    calls, results = [], {}

    def run(name):
        results[name] = caching.fetch_cached("key", _slow_fetch(calls, fetching))

    threads = [threading.Thread(target=run, args=(name,), name=name) for name in (first, second)]
    threads[0].start()
    assert second_may_start.wait(timeout=5)
    threads[1].start()
    for thread in threads:
        thread.join()
    return results, calls


def test_a_caller_held_up_before_taking_the_lock_uses_the_answer_stored_meanwhile(monkeypatch):
    """`late` misses the cache, then is held up until `first` has fetched, stored and let go
    of the lock: when `late` then takes the lock it must find that answer, not fetch again."""
    late_missed, first_let_go = threading.Event(), threading.Event()
    real_add, real_delete = LocMemCache.add, LocMemCache.delete

    def add(self, *args, **kwargs):
        if threading.current_thread().name == "late":
            late_missed.set()
            assert first_let_go.wait(timeout=5)
        return real_add(self, *args, **kwargs)

    def delete(self, *args, **kwargs):
        deleted = real_delete(self, *args, **kwargs)
        if threading.current_thread().name == "first":
            first_let_go.set()  # its answer stored, its lock dropped
        return deleted

    monkeypatch.setattr(LocMemCache, "add", add)
    monkeypatch.setattr(LocMemCache, "delete", delete)

    results, calls = _run_in_threads("late", "first", second_may_start=late_missed)

    assert calls == ["first"]
    assert results["first"].from_cache is False
    assert results["late"].from_cache is True
    assert results["late"].fetched_at == results["first"].fetched_at


def test_a_waiter_stops_waiting_when_the_cache_stops_answering(monkeypatch, settings):
    """The lock is held by a caller that never finishes; the cache then fails every check
    (has_key answers None, as django-redis does with IGNORE_EXCEPTIONS). The waiter fetches
    itself after a few unanswered checks instead of waiting out the whole deadline."""
    settings.BILLOGRAM_DEADLINE = 10
    cache.add("key:lock", "someone else", timeout=60)
    monkeypatch.setattr(LocMemCache, "has_key", lambda self, *args, **kwargs: None)
    calls = []

    started = time.monotonic()
    result = caching.fetch_cached("key", _slow_fetch(calls))

    assert result.value == "answer"
    assert calls and result.from_cache is False
    assert time.monotonic() - started < 5  # far inside the 10 s it would otherwise wait


def test_a_waiter_keeps_waiting_through_one_unanswered_check(monkeypatch):
    """A single failed lock check is not read as the lock being gone: the waiter still gets
    the winner's answer instead of fetching a second time."""
    real_has_key = LocMemCache.has_key
    failures = {"left": 1}

    def has_key(self, *args, **kwargs):
        if threading.current_thread().name == "waiter" and failures["left"]:
            failures["left"] -= 1
            return None
        return real_has_key(self, *args, **kwargs)

    monkeypatch.setattr(LocMemCache, "has_key", has_key)

    fetching = threading.Event()
    results, calls = _run_in_threads(
        "winner", "waiter", second_may_start=fetching, fetching=fetching
    )

    assert calls == ["winner"]
    assert results["waiter"].from_cache is True
