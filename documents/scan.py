"""An optional virus scan of every upload through clamd (`CLAMD_ADDRESS`, e.g.
`tcp://clamav:3310` or `unix:///run/clamav/clamd.ctl`). When it is configured and cannot be
reached, or answers anything but clean, the upload is refused: the scan fails closed."""

from __future__ import annotations

import socket
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHUNK = 64 * 1024
TIMEOUT = 30


def _connect(address: str) -> socket.socket:
    parsed = urlparse(address)
    if parsed.scheme == "unix":
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(TIMEOUT)
        connection.connect(parsed.path)
        return connection
    if parsed.scheme == "tcp" and parsed.hostname:
        return socket.create_connection((parsed.hostname, parsed.port or 3310), timeout=TIMEOUT)
    raise OSError(f"CLAMD_ADDRESS {address!r} is neither tcp://host:port nor unix:///path")


def _instream(address: str, data: bytes) -> str:
    with _connect(address) as connection:
        connection.sendall(b"zINSTREAM\0")
        for start in range(0, len(data), CHUNK):
            chunk = data[start : start + CHUNK]
            connection.sendall(len(chunk).to_bytes(4, "big") + chunk)
        connection.sendall((0).to_bytes(4, "big"))
        reply = b""
        while not reply.endswith(b"\0"):
            part = connection.recv(4096)
            if not part:
                break
            reply += part
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def scan(data: bytes) -> None:
    """Nothing when the scan is off or the file is clean; ValidationError otherwise."""
    address = settings.CLAMD_ADDRESS
    if not address:
        return
    try:
        reply = _instream(address, data)
    except OSError as error:
        raise ValidationError(
            _(
                "The virus scanner cannot be reached, so no upload is accepted now; try again later."
            ),
            code="scanner_unreachable",
        ) from error
    if reply.endswith("FOUND"):
        raise ValidationError(
            _("The virus scanner found a threat in this file; nothing was stored."),
            code="infected",
        )
    if not reply.endswith("OK"):
        raise ValidationError(
            _("The virus scanner could not check this file; nothing was stored."),
            code="scan_failed",
        )
