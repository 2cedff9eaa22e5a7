"""One JSON error shape for the whole API:

    {"error": {"status": 404, "code": "not_found", "message": "Not found.", "fields": {...}}}

`fields` appears on validation errors only, mapping a field name (or "non_field_errors") to
its messages. Every message is written for a person and translated.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from workflow import Refusal, status_of

NOT_FOUND_MESSAGE = gettext_lazy("Not found.")


class Conflict(exceptions.APIException):
    """The object is not in a state that allows this (ended, approved, frozen…)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The object changed state; nothing was changed.")
    default_code = "conflict"


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _flatten(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _flatten(value)]
    return [str(detail)]


def _fields(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else str(key): _flatten(
                value
            )
            for key, value in detail.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: _flatten(detail)}


def _code(exc: exceptions.APIException) -> str:
    # A view may raise e.g. PermissionDenied(message, code="read_only_token"); the code of a
    # single message is then more precise than the exception's default.
    code = getattr(getattr(exc, "detail", None), "code", None)
    return code if isinstance(code, str) else exc.default_code


def error_body(status_code: int, code: str, message: str, fields=None) -> dict:
    body: dict = {"status": status_code, "code": code, "message": str(message)}
    if fields is not None:
        body["fields"] = fields
    return {"error": body}


def not_found_response() -> HttpResponse:
    """The JSON 404 for a path under /api/ that matches no route: byte for byte the body
    of a 404 for a network that does not exist or is not the caller's."""
    content = JSONRenderer().render(error_body(404, "not_found", NOT_FOUND_MESSAGE))
    return HttpResponse(content, status=404, content_type="application/json")


@csrf_exempt
def api_not_found(request, *args, **kwargs) -> HttpResponse:
    """Any method on any path under /api/v1/ that no route matches. Django's own 404 page
    would be HTML (and with DEBUG on, its debug page)."""
    return not_found_response()


def refusal_code(error: ValidationError, status_code: int) -> str:
    """The code of the refusal that decided `status_code` (workflow.status_of)."""
    if hasattr(error, "error_dict"):
        items = [item for listed in error.error_dict.values() for item in listed]
    else:
        items = error.error_list
    for item in items:
        if Refusal.STATUS.get(str(item.code)) == status_code:
            return str(item.code)
    return "invalid"


def takes_multipart(view) -> bool:
    """Whether the view reads its body as multipart/form-data (an upload)."""
    from rest_framework.parsers import MultiPartParser

    parsers = view.get_parsers() if view is not None else []
    return any(isinstance(parser, MultiPartParser) for parser in parsers)


def portal_exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        # A service's refusal: the status its code maps to, as on the pages.
        # The body's code is the refusal's own (not_allowed, wrong_state, stale,
        # already_signed), so a program can tell a stale hash from a record's state.
        status_code = status_of(exc)
        code = refusal_code(exc, status_code)
        if status_code == status.HTTP_403_FORBIDDEN:
            exc = exceptions.PermissionDenied(" ".join(exc.messages), code=code)
        elif status_code == status.HTTP_409_CONFLICT:
            exc = Conflict(" ".join(exc.messages), code=code)
        else:
            exc = exceptions.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
            )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND_MESSAGE)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            response.status_code,
            "invalid",
            _("The request has errors; nothing was changed."),
            fields=_fields(exc.detail),
        )
    else:
        if isinstance(exc, exceptions.NotAuthenticated):
            message = _("Sign in, or send a personal access token as “Authorization: Bearer np_…”.")
        elif isinstance(exc, exceptions.UnsupportedMediaType):
            if takes_multipart(context.get("view")):
                message = _("Send the file as multipart/form-data.")
            else:
                message = _("Send the body as JSON, with “Content-Type: application/json”.")
        else:
            message = " ".join(_flatten(getattr(exc, "detail", ""))) or str(exc)
        code = _code(exc)
        if code == exceptions.PermissionDenied.default_code:
            # One word for "you may not", whoever refused: the permission table, a view's own
            # check or a service (workflow.Refusal.NOT_ALLOWED).
            code = Refusal.NOT_ALLOWED
        response.data = error_body(response.status_code, code, message)
    return response
