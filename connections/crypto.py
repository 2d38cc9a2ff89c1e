"""Encryption at rest for Billogram API passwords (Fernet: AES-128-CBC + HMAC-SHA256).

Keys come from settings.CREDENTIAL_KEYS; the first one encrypts, every one decrypts, so keys
can be rotated without downtime (see the rotate_credentials command).
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class CredentialUnreadable(Exception):
    """A stored API password cannot be decrypted with the configured keys."""

    def __init__(self):
        super().__init__(
            "The stored Billogram API password cannot be decrypted with the current keys. "
            "Enter the API password again in the connection settings."
        )


@lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "BILLODASH_CREDENTIAL_KEYS must be comma-separated Fernet keys "
            "(32 url-safe base64-encoded bytes each)"
        ) from None


def _current() -> MultiFernet:
    return _multifernet(tuple(settings.CREDENTIAL_KEYS))


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        raise CredentialUnreadable() from None


def rotate(token: str) -> str:
    """Re-encrypt a token under the first key."""
    try:
        return _current().rotate(token.encode()).decode()
    except (InvalidToken, ValueError):
        raise CredentialUnreadable() from None
