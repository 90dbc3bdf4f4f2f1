"""Camera stream passwords sealed at rest (Fernet: AES-128-CBC with an HMAC-SHA256 tag).

GIS staff open the camera tables in QGIS and database backups travel; neither should carry
working passwords for the city's cameras. With ``CAMROUTE_CREDENTIALS_KEY`` set, a password
is stored as ``fernet:<token>`` and opened only by the relay, just before it calls the
camera. Values written before the key was set stay readable (plain text) until
``camroute cameras seal-credentials`` seals them.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr

from camroute.errors import CamrouteError

PREFIX = "fernet:"


class CredentialKeyError(CamrouteError):
    """A stored password cannot be opened: the key is missing or not the one it was sealed with."""

    status = 503
    code = "credentials_unavailable"
    title = "Camera credentials unavailable"


class CredentialCipher:
    """Seals and opens passwords with a key derived from a passphrase of 32+ characters.

    Examples
    --------
    >>> cipher = CredentialCipher("a passphrase of at least thirty-two characters")
    >>> sealed = cipher.seal("hunter2")
    >>> sealed.startswith(PREFIX), cipher.open(sealed)
    (True, 'hunter2')
    >>> cipher.open("written before the key was set")
    'written before the key was set'
    """

    def __init__(self, passphrase: str) -> None:
        # Any long passphrase works as a key: its SHA-256 is the 32 bytes Fernet needs.
        digest = hashlib.sha256(passphrase.encode("utf-8")).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, value: str | None) -> str | None:
        """``value`` sealed (None stays None; an already sealed value is kept as it is)."""
        if value is None or value.startswith(PREFIX):
            return value
        return PREFIX + self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def open(self, value: str | None) -> str | None:
        """The password in ``value``; plain text written before sealing passes unchanged."""
        if value is None or not value.startswith(PREFIX):
            return value
        try:
            return self._fernet.decrypt(value.removeprefix(PREFIX).encode("ascii")).decode()
        except (InvalidToken, ValueError):
            raise CredentialKeyError(
                "a camera password was sealed with another CAMROUTE_CREDENTIALS_KEY",
                field="credentials",
            ) from None


def cipher_for(key: SecretStr | None) -> CredentialCipher | None:
    """The cipher of the configured ``CAMROUTE_CREDENTIALS_KEY``, or None when unset."""
    return None if key is None else CredentialCipher(key.get_secret_value())


def open_password(value: str | None, cipher: CredentialCipher | None) -> str | None:
    """Open ``value`` with ``cipher``; a sealed value without a cipher is refused, not sent."""
    if cipher is not None:
        return cipher.open(value)
    if value is not None and value.startswith(PREFIX):
        raise CredentialKeyError(
            "camera passwords are sealed but CAMROUTE_CREDENTIALS_KEY is not set",
            field="credentials",
        )
    return value
