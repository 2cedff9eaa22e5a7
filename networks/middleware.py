from networks.scoping import request_scope


class NetworkScopeMiddleware:
    """Every request starts with no network entered and ends forgetting the one it entered,
    so a thread that served Kyrgyzstan never serves Mongolia's next request in its scope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            return self.get_response(request)
