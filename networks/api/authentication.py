from rest_framework.authentication import SessionAuthentication


class PortalSessionAuthentication(SessionAuthentication):
    """Session auth for the browser. Its `WWW-Authenticate` header makes DRF answer 401 (not
    403) to anonymous requests, so an anonymous caller always gets the same 401."""

    def authenticate_header(self, request) -> str:
        return 'Session realm="api"'
