"""Credentials: salted PBKDF2 hashes, never the password itself."""

from __future__ import annotations

import base64
import hashlib

from labels.auth import ALGORITHM, hash_password, verify_password


def test_hash_format_and_value():
    salt = b"0123456789abcdef"
    encoded = hash_password("s3cret", iterations=1000, salt=salt)
    expected = hashlib.pbkdf2_hmac("sha256", b"s3cret", salt, 1000)
    assert encoded == f"{ALGORITHM}$1000${base64.b64encode(salt).decode()}${base64.b64encode(expected).decode()}"
    assert verify_password("s3cret", encoded) and not verify_password("s3cret!", encoded)


def test_salts_differ_between_hashes():
    a, b = hash_password("same", iterations=1000), hash_password("same", iterations=1000)
    assert a != b and verify_password("same", a) and verify_password("same", b)


def test_malformed_or_missing_hashes_never_verify():
    for encoded in (None, "", "plain", "md5$1$abc$def", "pbkdf2_sha256$x$abc$def"):
        assert not verify_password("anything", encoded)


def test_the_store_keeps_only_the_hash(store):
    store.add_rater("ana", "Ana", role="researcher", password="correct horse")
    store.add_rater("bot", "Bot", simulated=True)
    with store._read() as con:
        stored = dict(con.execute("SELECT rater_id, credential_hash FROM raters").fetchall())
    assert stored["ana"].startswith(f"{ALGORITHM}$") and "correct horse" not in stored["ana"]
    assert stored["bot"] is None
    assert store.check_credentials("ana", "correct horse")
    assert not store.check_credentials("ana", "wrong") and not store.check_credentials("bot", "")
    assert not store.check_credentials("nobody", "correct horse")
    assert [(r.rater_id, r.role, r.simulated) for r in store.raters()] == [("ana", "researcher", False), ("bot", "rater", True)]
