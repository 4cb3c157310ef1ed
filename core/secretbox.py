"""Secrets the service must read back (webhook signing secrets), encrypted at rest.

The key is derived from SECRET_KEY with HKDF-SHA256, so a copy of the database alone
does not reveal the secrets. AES-256-GCM from `cryptography` (a well-kept, audited
library; hand-written crypto is never the better choice) authenticates as it encrypts:
a tampered value fails to open instead of signing with garbage. A sealed value is
`v1:` + base64url(nonce ‖ ciphertext ‖ tag), 83 characters for a 32-character secret,
so it fits the existing column (a Fernet token would need 140+).
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "v1:"
_INFO = b"tge-monitor destination secrets v1"
_AAD = b"destination.secret"


class SecretError(ValueError):
    """A stored secret cannot be opened (wrong SECRET_KEY or a tampered value)."""


class SecretBox:
    """Seal and open short secrets with a key derived from the service's SECRET_KEY."""

    def __init__(self, secret_key: str) -> None:
        if not secret_key:
            raise ValueError("secret_key is required")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
            secret_key.encode()
        )
        self._aead = AESGCM(key)

    @staticmethod
    def is_sealed(stored: str | None) -> bool:
        return bool(stored) and str(stored).startswith(PREFIX)

    def seal(self, plain: str) -> str:
        nonce = os.urandom(12)
        sealed = nonce + self._aead.encrypt(nonce, plain.encode(), _AAD)
        return PREFIX + base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def open(self, stored: str | None) -> str | None:
        """The plain secret; a value from before encryption (no prefix) is returned as is."""
        if stored is None or not self.is_sealed(stored):
            return stored
        raw = stored[len(PREFIX) :]
        try:
            data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
            return self._aead.decrypt(data[:12], data[12:], _AAD).decode()
        except (InvalidTag, ValueError, binascii.Error):
            raise SecretError("stored secret cannot be opened: was SECRET_KEY changed?") from None
