"""Rater credentials: salted PBKDF2-SHA256 hashes (hashlib); plain passwords are never stored."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 600_000  # OWASP's 2023 advice for PBKDF2-HMAC-SHA256
SALT_BYTES = 16


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """`pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>` for `password`, with a fresh random salt."""
    if not isinstance(password, str) or not password:
        raise ValueError("a password must be a non-empty string")
    if iterations < 1:
        raise ValueError(f"iterations must be at least 1, got {iterations}")
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{ALGORITHM}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str | None) -> bool:
    """Whether `password` matches a hash made by `hash_password` (constant-time comparison)."""
    if not isinstance(password, str):
        return False
    if not encoded:  # an unknown rater or one without a secret: spend the same time as a wrong secret
        hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), b"\0" * SALT_BYTES, ITERATIONS)
        return False
    try:
        algorithm, iterations, salt, digest = encoded.split("$")
        if algorithm != ALGORITHM:
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), base64.b64decode(salt), int(iterations))
    except ValueError:  # a malformed hash never verifies
        return False
    return hmac.compare_digest(actual, expected)
