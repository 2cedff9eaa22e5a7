"""Logs a machine can read: one line per request and one per task, with the request's id.

Every request gets an id: the caller's `X-Request-ID` when it is a plausible id (8–128 of
letters, digits, `.`, `_`, `-`), else a new one; it is answered in the response's
`X-Request-ID` and carried in the headers of every task the request enqueues (and of the tasks
those enqueue), so the task's line names the request that caused it. A line holds the method,
the route's name (never the path: paths carry tokens), the status, the duration, the
network's slug and the person's id — never an address, a name or a secret.

LOG_FORMAT=json (the production settings' default) writes each line as one JSON object;
LOG_FORMAT=text (development) writes the same fields readably.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from celery import signals
from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
network_var: contextvars.ContextVar[str] = contextvars.ContextVar("network", default="")
user_var: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)

VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
HEADER = "request_id"  # the task header that carries it

request_logger = logging.getLogger("portal.request")
task_logger = logging.getLogger("portal.task")

# The fields a line may carry besides time, level, logger and message (LogRecord extras).
FIELDS = (
    "event",
    "method",
    "route",
    "status",
    "duration_ms",
    "task",
    "task_id",
    "queue",
    "request_id",
    "network",
    "user_id",
)


def _context() -> dict[str, Any]:
    values: dict[str, Any] = {}
    if request_id_var.get():
        values["request_id"] = request_id_var.get()
    if network_var.get():
        values["network"] = network_var.get()
    if user_var.get() is not None:
        values["user_id"] = user_var.get()
    return values


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(_context())
        for field in FIELDS:  # what the record carries itself wins
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The same fields for a person reading a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        extras = {**_context(), **{f: getattr(record, f) for f in FIELDS if hasattr(record, f)}}
        extras.pop("event", None)
        tail = " ".join(f"{key}={value}" for key, value in extras.items())
        text = f"{stamp} {record.levelname:<7} {record.name}: {record.getMessage()}"
        if tail:
            text += f"  [{tail}]"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def logging_config(log_format: str, level: str) -> dict:
    """Django's LOGGING for LOG_FORMAT (json or text) and LOG_LEVEL."""
    if log_format not in {"json", "text"}:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {log_format!r}")
    formatter = "portal.observability.JsonFormatter"
    if log_format == "text":
        formatter = "portal.observability.TextFormatter"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"portal": {"()": formatter}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "portal"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # One line per request and per task, whatever LOG_LEVEL says of the rest.
            "portal.request": {"level": "INFO"},
            "portal.task": {"level": "INFO"},
            "portal.queues": {"level": "INFO"},
            # Django's own line for every 4xx/5xx would repeat ours (without the id).
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "ERROR"},
        },
    }


def new_request_id(offered: str | None) -> str:
    if offered and VALID_REQUEST_ID.match(offered):
        return offered
    return uuid.uuid4().hex


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "-"  # no route: a 404 for a path the portal does not have
    return match.view_name or "-"


class RequestContextMiddleware:
    """First in MIDDLEWARE: gives the request its id, logs its line when it is answered and
    records its latency for /metrics."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from portal import metrics, queues

        request_id = new_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        tokens: list[tuple[Any, Any]] = [
            (request_id_var, request_id_var.set(request_id)),
            (network_var, network_var.set("")),
            (user_var, user_var.set(None)),
            (queues.deferred, queues.deferred.set([])),
        ]
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = time.perf_counter() - started
            response["X-Request-ID"] = request_id
            match = getattr(request, "resolver_match", None)
            slug = match.kwargs.get("network") if match is not None else None
            if isinstance(slug, str):
                network_var.set(slug)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                user_var.set(user.pk)
            route = route_of(request)
            metrics.observe_request(route, request.method or "-", duration)
            request_logger.info(
                "%s %s %s",
                request.method,
                route,
                response.status_code,
                extra={
                    **_context(),
                    "event": "request",
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 1),
                },
            )
            return response
        finally:
            for var, token in reversed(tokens):
                var.reset(token)


class DeferredWorkMessageMiddleware:
    """After MessageMiddleware: when this request saved something whose mail or processing
    could not be handed to the broker (portal.queues), the person reads that it is saved and
    that the sending follows — instead of an error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.contrib import messages
        from django.utils.translation import gettext as _

        from portal import queues

        response = self.get_response(request)
        if queues.deferred.get() and hasattr(request, "_messages"):  # a list of task names
            messages.warning(
                request,
                _(
                    "Saved. The mail and processing queue does not answer right now: what "
                    "this started (sending, reading the file) follows by itself as soon as "
                    "it is back."
                ),
            )
        return response


# --- Celery: the request's id in the task's headers, one line per task ------------------------

_started: dict[str, tuple[float, list]] = {}


@signals.before_task_publish.connect
def _carry_request_id(headers: dict | None = None, **kwargs: Any) -> None:
    if headers is not None and request_id_var.get() and HEADER not in headers:
        headers[HEADER] = request_id_var.get()


@signals.task_prerun.connect
def _task_started(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    request = getattr(task, "request", None)
    carried = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(
        HEADER
    )
    tokens = []
    if carried:
        tokens.append((request_id_var, request_id_var.set(str(carried))))
    _started[task_id] = (time.perf_counter(), tokens)


@signals.task_postrun.connect
def _task_finished(
    task_id: str = "", task: Any = None, state: str | None = None, **kwargs: Any
) -> None:
    started, tokens = _started.pop(task_id, (None, []))
    duration = time.perf_counter() - started if started is not None else 0.0
    delivery_info = getattr(getattr(task, "request", None), "delivery_info", None) or {}
    name = getattr(task, "name", "?")
    task_logger.info(
        "task %s %s",
        name,
        state or "-",
        extra={
            **_context(),
            "event": "task",
            "task": name,
            "task_id": task_id,
            "status": state or "-",
            "duration_ms": round(duration * 1000, 1),
            "queue": delivery_info.get("routing_key") or "-",
        },
    )
    for var, token in reversed(tokens):
        var.reset(token)
