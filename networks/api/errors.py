"""One JSON error shape for the whole API:

    {"error": {"status": 404, "code": "not_found", "message": "Not found.", "fields": {...}}}

`fields` appears on validation errors only, mapping a field name to its messages.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler


class Conflict(exceptions.APIException):
    """The object is not in a state that allows this (ended, approved, frozen…)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The object changed state; nothing was changed."
    default_code = "conflict"


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _flatten(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _flatten(value)]
    return [str(detail)]


def _fields(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    return {"non_field_errors": _flatten(detail)}


def portal_exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = getattr(exc, "default_code", "error")
    body: dict = {"status": response.status_code, "code": code}
    if isinstance(exc, exceptions.ValidationError):
        body["message"] = "The request has errors; nothing was changed."
        body["fields"] = _fields(exc.detail)
    else:
        detail = getattr(exc, "detail", "")
        body["message"] = " ".join(_flatten(detail)) or str(exc)
    response.data = {"error": body}
    return response
