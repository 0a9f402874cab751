"""Signed, expiring session tokens that keep a rater signed in across reloads; pure functions, no Streamlit.

A token is `<rater id, base64url>.<epoch>.<expiry, unix seconds>.<HMAC-SHA256, base64url>`, signed with the
workspace's server secret. It names the rater and the session epoch it was issued in, never the rater's
password: moving the epoch on in the store (sign-out, secret reset, removal) ends every token issued before.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

MIN_SERVER_SECRET_BYTES = 32


class InvalidSessionToken(ValueError):
    """A token that signs nobody in; the message says why in words a rater can act on."""


@dataclass(frozen=True)
class SessionClaims:
    """What a genuine token says."""

    rater_id: str
    epoch: int  # the rater's session epoch when it was issued
    expires_at: int  # unix seconds


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def _check_secret(server_secret: bytes) -> bytes:
    if not isinstance(server_secret, bytes) or len(server_secret) < MIN_SERVER_SECRET_BYTES:
        raise ValueError(f"a server secret must be at least {MIN_SERVER_SECRET_BYTES} random bytes, "
                         f"got {type(server_secret).__name__} of length {len(server_secret or b'')}")
    return server_secret


def _signature(server_secret: bytes, rater_id: str, epoch: int, expires_at: int) -> str:
    message = f"{rater_id}\n{epoch}\n{expires_at}".encode()
    return _b64(hmac.new(_check_secret(server_secret), message, hashlib.sha256).digest())


def issue_token(server_secret: bytes, rater_id: str, *, epoch: int, expires_at: int) -> str:
    """A token for `rater_id` in session epoch `epoch`, good until `expires_at` (unix seconds)."""
    if not isinstance(rater_id, str) or not rater_id:
        raise ValueError(f"a session token needs a rater id, got {rater_id!r}")
    for name, value in (("epoch", epoch), ("expires_at", expires_at)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    signature = _signature(server_secret, rater_id, epoch, expires_at)
    return f"{_b64(rater_id.encode())}.{epoch}.{expires_at}.{signature}"


def read_token(server_secret: bytes, token: str, *, now: float) -> SessionClaims:
    """The claims of a genuine, unexpired token; InvalidSessionToken when it is malformed, tampered or expired.

    The epoch is not checked here (it lives in the store): compare `claims.epoch` with the rater's epoch.
    """
    parts = token.split(".") if isinstance(token, str) else []
    try:
        encoded_id, epoch_text, expiry_text, signature = parts
        rater_id = _unb64(encoded_id).decode()
        epoch, expires_at = int(epoch_text), int(expiry_text)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidSessionToken("the session link is not a valid session; sign in again") from None
    if not rater_id or not epoch_text.isdigit() or not expiry_text.isdigit():  # int() takes "+1", " 1", "1_0"
        raise InvalidSessionToken("the session link is not a valid session; sign in again")
    if not hmac.compare_digest(signature, _signature(server_secret, rater_id, epoch, expires_at)):
        raise InvalidSessionToken("the session link was altered or comes from another server; sign in again")
    if now >= expires_at:
        raise InvalidSessionToken("your session expired; sign in again")
    return SessionClaims(rater_id, epoch, expires_at)
