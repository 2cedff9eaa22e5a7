"""Error pages: the API speaks JSON in its one error shape, pages render templates."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
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
