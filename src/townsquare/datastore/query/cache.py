"""Answers to queries, remembered in this process. A data version never changes, so an answer
keyed by the version's own file stays right for as long as it is kept; the oldest answers go
first when the configured size is reached."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django.conf import settings


class Answers:
    def __init__(self) -> None:
        self._items: OrderedDict[tuple[Any, ...], tuple[Any, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Any:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: tuple[Any, ...], value: Any, size: int) -> None:
        limit = settings.DATASTORE_RESULT_CACHE_MB * 1024 * 1024
        if size > limit // 8:  # one answer never takes more than an eighth
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._items[key] = (value, size)
            self._size += size
            while self._size > limit and self._items:
                _, (_, dropped) = self._items.popitem(last=False)
                self._size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


answers = Answers()
