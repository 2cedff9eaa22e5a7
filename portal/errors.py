"""Error pages: the API speaks JSON in its one error shape, pages render templates."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found, server_error

from networks.api.errors import not_found_response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return not_found_response()
    return page_not_found(request, exception)


def server_failure(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"error": {"status": 500, "code": "server_error", "message": "Server error."}},
            status=500,
        )
    return server_error(request)


def request_too_large(request: HttpRequest) -> HttpResponse:
    """nginx's page for a body over its `client_max_body_size` (deploy/nginx.conf sends its
    413 here, as a GET, with the original path in X-Original-URI): the request never reached
    the portal, so nothing was stored. A page says so with a way back to the form (the
    browser's Referer when it is this site's); the API answers in its one error shape."""
    original = request.headers.get("X-Original-URI", "")
    limit = settings.DOCUMENTS_MAX_UPLOAD_BYTES // (1024 * 1024)
    message = _(
        "The request was larger than the portal accepts (uploads up to %(limit)d MB); "
        "nothing was stored."
    ) % {"limit": limit}
    if original.startswith("/api/"):
        return JsonResponse(
            {"error": {"status": 413, "code": "too_large", "message": message}}, status=413
        )
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    return render(request, "413.html", {"message": message, "back": back}, status=413)
