"""Session tokens (workbench.session_token) and the workspace's server secret: pure functions, no server."""

from __future__ import annotations

import stat

import pytest

from workbench.session_token import InvalidSessionToken, SessionClaims, issue_token, read_token
from workbench.sessions import SECRET_FILE, read_or_create_secret

SECRET = bytes(range(32))
OTHER_SECRET = bytes(range(1, 33))
NOW = 1_800_000_000


def test_a_token_reads_back_its_rater_epoch_and_expiry():
    token = issue_token(SECRET, "ann", epoch=3, expires_at=NOW + 60)
    assert read_token(SECRET, token, now=NOW) == SessionClaims("ann", 3, NOW + 60)
    assert "ann-secret" not in token and token.count(".") == 3  # the rater's password never goes in
    odd = issue_token(SECRET, "a.b c/é", epoch=0, expires_at=NOW + 1)  # any printable id survives the encoding
    assert read_token(SECRET, odd, now=NOW).rater_id == "a.b c/é"


@pytest.mark.parametrize("now, ok", [(NOW + 59, True), (NOW + 60, False), (NOW + 10_000, False)])
def test_a_token_expires_at_its_expiry(now, ok):
    token = issue_token(SECRET, "ann", epoch=0, expires_at=NOW + 60)
    if ok:
        assert read_token(SECRET, token, now=now).rater_id == "ann"
    else:
        with pytest.raises(InvalidSessionToken, match="expired"):
            read_token(SECRET, token, now=now)


def _tampered(token: str, part: int, value: str) -> str:
    parts = token.split(".")
    parts[part] = value
    return ".".join(parts)


@pytest.mark.parametrize("make", [
    lambda t: _tampered(t, 0, issue_token(SECRET, "ada", epoch=0, expires_at=NOW + 60).split(".")[0]),  # another id
    lambda t: _tampered(t, 1, "4"),  # an older or newer epoch
    lambda t: _tampered(t, 2, str(NOW + 10**6)),  # a later expiry
    lambda t: _tampered(t, 3, t.split(".")[3][:-2] + ("AA" if not t.endswith("AA") else "BB")),  # another signature
    lambda t: issue_token(OTHER_SECRET, "ann", epoch=0, expires_at=NOW + 60),  # another server's (workspace's)
])
def test_a_tampered_token_signs_nobody_in(make):
    token = make(issue_token(SECRET, "ann", epoch=0, expires_at=NOW + 60))
    with pytest.raises(InvalidSessionToken, match="altered or comes from another server"):
        read_token(SECRET, token, now=NOW)


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "YW5u.0.x.sig", "YW5u.+0.1800000060.sig", "YW5u.0.1.2.3",
                                   "!!!.0.1800000060.sig", None, 42])
def test_a_malformed_token_is_refused_with_words_a_rater_can_act_on(token):
    with pytest.raises(InvalidSessionToken, match="not a valid session; sign in again"):
        read_token(SECRET, token, now=NOW)


@pytest.mark.parametrize("kwargs, match", [
    ({"rater_id": "", "epoch": 0, "expires_at": 1}, "needs a rater id"),
    ({"rater_id": "ann", "epoch": -1, "expires_at": 1}, "epoch must be an integer >= 0, got -1"),
    ({"rater_id": "ann", "epoch": 0, "expires_at": 1.5}, "expires_at must be an integer >= 0, got 1.5"),
])
def test_issuing_checks_its_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        issue_token(SECRET, kwargs.pop("rater_id"), **kwargs)


def test_a_short_server_secret_is_refused():
    with pytest.raises(ValueError, match="at least 32 random bytes"):
        issue_token(b"short", "ann", epoch=0, expires_at=NOW)


def test_the_server_secret_is_made_once_private_and_kept(tmp_path):
    secret = read_or_create_secret(tmp_path)
    path = tmp_path / SECRET_FILE
    assert len(secret) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_or_create_secret(tmp_path) == secret  # the same across restarts: sessions survive them
    path.chmod(0o644)
    assert read_or_create_secret(tmp_path) == secret and stat.S_IMODE(path.stat().st_mode) == 0o600
    other = tmp_path / "other"
    other.mkdir()
    assert read_or_create_secret(other) != secret  # every workspace draws its own
    path.write_text("not hex")
    with pytest.raises(ValueError, match="does not hold a session secret"):
        read_or_create_secret(tmp_path)
