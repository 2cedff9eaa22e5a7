"""The cache: Redis, and while Redis does not answer, this process's memory.

What the cache holds is never the only copy of anything (docs/adr/0006-cache-outage.md):
allauth's sign-in rate limits and the TOTP codes already used, the providers' origins for
the pages' CSP, the inline-safety verdicts of files, the failed-sign-in count of /metrics.
So a Redis that is down or restarting must not answer HTTP 500 to someone signing in: each
call that Redis refuses (connection refused, timed out) is answered from a local-memory
cache instead, and Redis is left alone for RETRY_AFTER_SECONDS before it is tried again
(one slow connection timeout per outage and process, not one per call).

The limits keep applying during an outage, counted per process rather than across the
platform: an attacker who could take Redis down gets at most the limit times the number of
web processes, never unlimited attempts; and nobody is locked out by an outage either.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("portal.cache")

# How long a process answers from memory after Redis refused, before it tries Redis again.
RETRY_AFTER_SECONDS = 5.0
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)

# Per LOCATION, shared by the threads of a process (Django makes a cache object per thread):
# the monotonic time until which Redis is not tried.
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class RedisWithFallbackCache(RedisCache):
    """Django's RedisCache whose calls fall back to a LocMemCache of this process while
    Redis is unavailable. Errors other than "cannot reach Redis" are raised as usual."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        fallback_params = {
            key: value
            for key, value in params.items()
            if key in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")
        }
        fallback_params["OPTIONS"] = {"MAX_ENTRIES": 10_000}
        # LocMemCache keeps its data per name at module level: every thread shares it.
        self._fallback = LocMemCache(f"portal-fallback:{self._location}", fallback_params)

    @property
    def is_unavailable(self) -> bool:
        """True while this process answers from memory (Redis refused a moment ago)."""
        return time.monotonic() < _down_until.get(self._location, 0.0)

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if not self.is_unavailable:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except UNAVAILABLE as error:
                with _lock:
                    first = not self.is_unavailable
                    _down_until[self._location] = time.monotonic() + RETRY_AFTER_SECONDS
                if first:
                    logger.warning(
                        "cache unavailable, answering from this process's memory (%s)",
                        type(error).__name__,
                        extra={"event": "cache_fallback"},
                    )
        return getattr(self._fallback, name)(*args, **kwargs)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("add", key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call("get", key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("set", key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("touch", key, timeout, version)

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._call("delete", key, version)

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._call("get_many", keys, version)

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._call("has_key", key, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        return self._call("incr", key, delta, version)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys: Any, version: Any = None) -> Any:
        return self._call("delete_many", keys, version)

    def clear(self) -> Any:
        self._fallback.clear()
        return self._call("clear")
