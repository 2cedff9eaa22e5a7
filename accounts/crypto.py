"""Authentication secrets at rest: the authenticator apps' TOTP secrets, the recovery codes'
seed (allauth derives the codes from it) and the identity providers' client secrets are
stored encrypted (Fernet: AES-128-CBC with an HMAC), never in clear.

The key is PORTAL_SECRETS_KEY when set, else derived from SECRET_KEY; the keys derived from
SECRET_KEY_FALLBACKS still decrypt, so that rotating SECRET_KEY (with the old one as a
fallback) keeps every secret readable. What is stored starts with "enc1:"; a value without
the prefix is refused, not read as clear text."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "enc1:"


class SecretUnreadable(ValueError):
    """A stored secret that none of the configured keys decrypts."""


def _fernet_key(material: str) -> bytes:
    digest = hashlib.sha256(("network-portal secrets at rest:" + material).encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _fernet() -> MultiFernet:
    explicit = getattr(settings, "PORTAL_SECRETS_KEY", "")
    materials = [explicit] if explicit else []
    materials += [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_fernet_key(m)) for m in materials])


def encrypt(text: str) -> str:
    return PREFIX + _fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not is_encrypted(stored):
        raise SecretUnreadable("The stored secret is not encrypted.")
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable("No configured key decrypts the stored secret.") from error


def is_encrypted(stored: object) -> bool:
    return isinstance(stored, str) and stored.startswith(PREFIX)
