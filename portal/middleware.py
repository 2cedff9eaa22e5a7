"""Middleware of the portal as a whole (not of one app)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

from portal.errors import not_found


def client_address(meta: dict, trusted_proxies: int) -> str:
    """The address of the client that reached the outermost of our own proxies.

    With `trusted_proxies` = 0 it is REMOTE_ADDR. With N > 0 the last N hops are ours: the
    innermost (REMOTE_ADDR) is one, and each of the N - 1 others appended the address it was
    reached from to X-Forwarded-For. So the client is the N-th entry from the right of
    X-Forwarded-For — whatever a client writes into the header itself stands further left
    and is never read. When the header has fewer entries than that (the request did not
    come through every proxy, e.g. a health check from loopback) or the entry is not an IP
    address, REMOTE_ADDR is kept.
    """
    remote = meta.get("REMOTE_ADDR", "")
    if trusted_proxies <= 0:
        return remote
    entries = [entry.strip() for entry in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [entry for entry in entries if entry]
    if len(entries) < trusted_proxies:
        return remote
    candidate = entries[-trusted_proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class ClientAddressMiddleware:
    """Puts the real client's address (client_address, TRUSTED_PROXY_COUNT) in REMOTE_ADDR,
    where allauth's rate limits, the sessions list and the logs read it. Keeps the proxy's
    own address in PORTAL_PROXY_ADDR. First in MIDDLEWARE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = settings.TRUSTED_PROXY_COUNT
        if count > 0:
            request.META["PORTAL_PROXY_ADDR"] = request.META.get("REMOTE_ADDR", "")
            request.META["REMOTE_ADDR"] = client_address(request.META, count)
        return self.get_response(request)


class NotFoundPageMiddleware:
    """With DEBUG on, Django answers a 404 with its technical page: the URL patterns tried,
    the view that raised it. Someone using a development or demo portal would read that list
    where the portal's "Not found" belongs, so the portal's page answers instead (the API
    its JSON error), unless PORTAL_TECHNICAL_404 asks for Django's. Without DEBUG the
    handler404 (portal.errors.not_found) answers already; this changes nothing then."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    @staticmethod
    def _applies() -> bool:
        return settings.DEBUG and not getattr(settings, "PORTAL_TECHNICAL_404", False)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A path that matched no URL pattern never reached a view (process_exception).
        if (
            response.status_code == 404
            and self._applies()
            and getattr(request, "resolver_match", None) is None
        ):
            return not_found(request, None)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404) and self._applies():
            return not_found(request, exception)
        return None
