"""The in-process rate-limit counters: same limits, no thread started per request, expired counters swept."""
from __future__ import annotations

import gc
import threading
import time

from limits import parse
from limits.strategies import SlidingWindowCounterRateLimiter

from app.api import counters
from app.api.counters import SweptMemoryStorage, counter_storage


def test_memory_uri_gets_the_swept_storage_and_others_are_left_to_limits():
    assert isinstance(counter_storage("memory://"), SweptMemoryStorage)
    assert not isinstance(counter_storage("redis://localhost:1"), SweptMemoryStorage)


def test_counting_starts_no_thread(monkeypatch):
    storage = SweptMemoryStorage()
    started = []
    real_start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda self: (started.append(self.name), real_start(self)))
    limiter = SlidingWindowCounterRateLimiter(storage)
    item = parse("1000/minute")
    for _ in range(50):
        assert limiter.hit(item, "client", "203.0.113.7")
    assert started == []


def test_limits_hold_and_expired_counters_are_swept(monkeypatch):
    monkeypatch.setattr(counters, "SWEEP_SECONDS", 0.2)
    storage = SweptMemoryStorage()
    limiter = SlidingWindowCounterRateLimiter(storage)
    item = parse("3/second")
    assert all(limiter.hit(item, "client", "203.0.113.7") for _ in range(3))
    assert not limiter.hit(item, "client", "203.0.113.7")
    assert storage.storage
    deadline = time.monotonic() + 5
    while storage.storage and time.monotonic() < deadline:   # the window is 1 s; its counter lives 2 windows
        time.sleep(0.1)
    assert not storage.storage, "expired counters were not swept"
    assert limiter.hit(item, "client", "203.0.113.7")


def test_the_sweeper_ends_with_its_storage(monkeypatch):
    monkeypatch.setattr(counters, "SWEEP_SECONDS", 0.05)
    before = set(threading.enumerate())
    storage = SweptMemoryStorage()
    (sweeper,) = [t for t in set(threading.enumerate()) - before if t.name == "kalla-rate-sweep"]
    time.sleep(0.1)        # limits' own first expiry timer holds the storage for 10 ms
    del storage
    gc.collect()
    sweeper.join(timeout=2)
    assert not sweeper.is_alive()
