import re

_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def without_csrf(content: bytes) -> bytes:
    """A page with its per-response CSRF token blanked, to compare two pages' content."""
    return _CSRF.sub(b'name="csrfmiddlewaretoken" value=""', content)
