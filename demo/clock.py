"""The demo's clock: the loader builds years of history through the real services, each step
at the moment it would have happened.

The services take no `now`: they stamp `django.utils.timezone.now()` (approvals, signatures,
audit rows, `auto_now` fields), and a few model fields default to `timezone.now` itself (a
membership's or a participation's start, a person's `date_joined`). `clock_at(moment)` makes
both read `moment` for the block — ticking one millisecond per reading, so that the order of
what one step writes is kept — and restores the real clock after it. No service has a
demo-only parameter; only the loader enters this clock, only while it runs, in its one thread
(a management command).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from unittest import mock

from django.apps import apps
from django.utils import timezone

_REAL_NOW = timezone.now


def real_now() -> datetime:
    """The wall clock, whatever clock is entered."""
    return _REAL_NOW()


def _fields_dated_now() -> list:
    return [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.default is _REAL_NOW
    ]


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """`timezone.now()`, and every model field defaulting to it, read `moment` (aware) and
    move on a millisecond per reading until the block ends."""
    if timezone.is_naive(moment):
        raise ValueError("clock_at needs an aware datetime")
    ticks = itertools.count()

    def now() -> datetime:
        return moment + timedelta(milliseconds=next(ticks))

    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(timezone, "now", now))
        for field in _fields_dated_now():
            # Field.get_default calls its cached `_get_default`, which holds timezone.now.
            stack.enter_context(mock.patch.object(field, "_get_default", now))
        yield
