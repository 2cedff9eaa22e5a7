"""Handing work to Celery after a commit without letting a broker outage undo what was saved.

`enqueue_on_commit(task, *args)` replaces `transaction.on_commit(lambda: task.delay(*args))`:
once the record is committed the task is sent, and when the broker does not answer (Redis
down or restarting) the error is logged, the request goes on, and the person is told that
the record is saved and the sending follows (portal.middleware.RequestContextMiddleware adds
the message). Nothing is lost: the rows say what is still to do and a beat sweeper queues it
again once the broker is back (circulation.tasks.sweep_stuck_deliveries for mail,
documents.tasks.sweep_unread_versions for text extraction).
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError

logger = logging.getLogger("portal.queues")

try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
except ImportError:  # pragma: no cover - redis comes with celery[redis]
    BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuOperationalError, OSError)
else:
    BROKER_ERRORS = (KombuOperationalError, OSError, RedisConnectionError, RedisTimeoutError)

# The tasks of this request that could not reach the broker (a list of their names, shared
# with the contexts its on_commit callbacks run in; None outside a request).
deferred: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "portal_deferred", default=None
)


def enqueue(task: Any, *args: Any, **kwargs: Any) -> bool:
    """Send `task` with these arguments now. False (logged, nothing raised) when the broker
    does not answer: the caller's rows stay as they are for the sweeper."""
    try:
        task.delay(*args, **kwargs)
    except BROKER_ERRORS as error:
        waiting = deferred.get()
        if waiting is not None:
            waiting.append(task.name)
        logger.warning(
            "broker unavailable: %s left for the sweeper (%s)",
            task.name,
            type(error).__name__,
            extra={"event": "enqueue_deferred", "task": task.name},
        )
        return False
    return True


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Once the current transaction commits, enqueue(task, *args, **kwargs) — in the context
    of now (the request's id goes into the task's headers, portal.observability)."""
    context = contextvars.copy_context()
    transaction.on_commit(lambda: context.run(enqueue, task, *args, **kwargs))
