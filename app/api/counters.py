"""Rate-limit counters: limits' storage, with the in-process one swept by a single long-lived thread.

limits' MemoryStorage starts a new 10 ms Timer thread on nearly every counted request to drop expired
counters. With both cores busy answering, starting that thread held the event loop about a millisecond
per request (py-spy, issue 7). Expired counters are also dropped when they are next read, so a sweep once
a second only bounds memory; shared storages (Redis, memcached) are used as limits makes them.
"""
from __future__ import annotations

import threading
import weakref

from limits.storage import MemoryStorage, Storage, storage_from_string

SWEEP_SECONDS = 1.0


class SweptMemoryStorage(MemoryStorage):
    """MemoryStorage whose expiry sweep runs on one daemon thread instead of a new thread per request."""

    STORAGE_SCHEME = ["kalla+memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._stop = threading.Event()
        threading.Thread(target=_sweep, args=(weakref.ref(self), self._stop), daemon=True,
                         name="kalla-rate-sweep").start()
        weakref.finalize(self, self._stop.set)

    def _MemoryStorage__schedule_expiry(self) -> None:   # limits calls this on every counted request
        pass

    def sweep(self) -> None:
        self._MemoryStorage__expire_events()


def _sweep(ref: "weakref.ref[SweptMemoryStorage]", stop: threading.Event) -> None:
    while not stop.wait(SWEEP_SECONDS):
        storage = ref()
        if storage is None:
            return
        storage.sweep()
        del storage


def counter_storage(uri: str) -> Storage:
    """The storage for a KALLA_RATE_LIMIT_STORAGE_URI; memory:// gets the swept in-process one."""
    if uri.startswith("memory://"):
        return SweptMemoryStorage()
    return storage_from_string(uri)
