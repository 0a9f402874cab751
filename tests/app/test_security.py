"""Part 8 of the app's security: loopback-only --auth none, sign-in throttling, equal-time refusals."""

from __future__ import annotations

import pytest

from workbench.commands.app import is_loopback
from workbench.sign_in_throttle import SignInThrottle, throttle_keys, too_many_message


@pytest.mark.parametrize(("address", "loopback"), [
    ("127.0.0.1", True), ("127.8.0.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("192.168.1.20", False), ("::", False), ("example.org", False),
])
def test_is_loopback(address, loopback):
    assert is_loopback(address) is loopback


def test_auth_none_refuses_a_non_loopback_address(tmp_path, capsys):
    from workbench.cli import main

    assert main(["app", "--home", str(tmp_path), "--auth", "none", "--address", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "--address '0.0.0.0' is not a loopback address" in err and "--auth password" in err


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_failures_past_the_limit_are_refused_until_the_window_passes():
    clock = Clock()
    throttle = SignInThrottle(max_failures=3, window_s=60, clock=clock)
    keys = throttle_keys("ann", "10.0.0.9")
    for _ in range(3):
        assert throttle.wait_s(keys) == 0
        throttle.failed(keys)
    assert throttle.wait_s(keys) == pytest.approx(60)
    clock.now += 59
    assert throttle.wait_s(keys) == pytest.approx(1)
    clock.now += 1
    assert throttle.wait_s(keys) == 0


def test_one_client_guessing_many_ids_is_stopped_and_a_success_clears_only_the_id():
    clock = Clock()
    throttle = SignInThrottle(max_failures=3, window_s=60, clock=clock)
    for rater in ("a", "b", "c"):
        throttle.failed(throttle_keys(rater, "10.0.0.9"))
    assert throttle.wait_s(throttle_keys("d", "10.0.0.9")) > 0  # the address is throttled
    assert throttle.wait_s(throttle_keys("d", "10.0.0.7")) == 0  # another address is not
    for _ in range(3):
        throttle.failed(throttle_keys("ann", None))
    assert throttle.wait_s(throttle_keys("ann", None)) > 0
    throttle.succeeded(throttle_keys("ann", None))
    assert throttle.wait_s(throttle_keys("ann", None)) == 0
    assert "try again in about 2 minutes" in too_many_message(100)


def test_an_id_without_a_secret_is_refused_with_the_same_work_as_a_wrong_secret(monkeypatch):
    import hashlib

    from labels import auth

    stored = auth.hash_password("right-secret", iterations=1000)
    calls, real = [], hashlib.pbkdf2_hmac

    def counted(name, password, salt, iterations):
        calls.append(iterations)
        return real(name, password, salt, 1)

    monkeypatch.setattr(auth.hashlib, "pbkdf2_hmac", counted)
    assert auth.verify_password("guess-secret", stored) is False
    assert auth.verify_password("guess-secret", None) is False  # unknown id, or a rater with no secret
    assert calls == [1000, auth.ITERATIONS]  # one full hash each: no early return gives the id away
