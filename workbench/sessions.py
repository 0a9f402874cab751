"""Staying signed in across reloads and new tabs: a signed session token in the URL, checked on every page load.

Streamlit forgets `st.session_state` on a reload, and cannot set a cookie without a component, so the token
(workbench.session_token) rides in the query parameter `session`. It is signed with a random secret kept in
the workspace (`.session_secret`, mode 0600) and names the rater's session epoch in the store: signing out,
a secret reset and a removal move the epoch on, which ends every token issued before. The rater and their
role are read from the store on every page load, so a role change applies at once.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import streamlit as st

from labels.records import Rater
from workbench.session_token import InvalidSessionToken, issue_token, read_token

SESSION_PARAM = "session"  # the query parameter that carries the token
TOKEN_KEY = "session_token"  # st.session_state: the token of this browser session
ENDED_KEY = "session_ended"  # st.session_state: why the last session ended, shown on the sign-in form
SECRET_FILE = ".session_secret"
HOURS_ENV = "WORKBENCH_SESSION_HOURS"
DEFAULT_HOURS = 12.0  # a working day: a rater who comes back the next morning signs in again

ENDED_BY_STORE = "your session was ended (signed out, or your secret was reset); sign in again"
CANNOT_SIGN_IN = "this rater id can no longer sign in (removed, or without a secret); ask an admin"


def session_hours() -> float:
    """How long a sign-in lasts, from `WORKBENCH_SESSION_HOURS` (default 12)."""
    text = os.environ.get(HOURS_ENV, "")
    if not text:
        return DEFAULT_HOURS
    try:
        hours = float(text)
    except ValueError:
        hours = -1.0
    if not 0 < hours <= 24 * 30:
        raise ValueError(f"{HOURS_ENV}={text!r} is not a session length; give hours between 0 and 720, e.g. 12")
    return hours


def read_or_create_secret(root: Path) -> bytes:
    """The workspace's server secret (32 random bytes), made on first use in `root/.session_secret` with mode 0600."""
    path = Path(root) / SECRET_FILE
    if not path.exists():
        staging = path.with_name(f"{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(staging, path)  # atomic and never overwrites: two processes starting at once agree on one secret
        except FileExistsError:
            pass
        finally:
            os.unlink(staging)
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)  # readable by others: whoever reads it can sign in as anyone
    text = path.read_text().strip()
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) < 32:
        raise ValueError(f"{path} does not hold a session secret (64 hex digits); delete it and start the app again "
                         "(everybody will have to sign in again)")
    return secret


@st.cache_resource(show_spinner=False)
def _server_secret(root: str) -> bytes:
    return read_or_create_secret(Path(root))


def server_secret() -> bytes:
    from workbench import state

    return _server_secret(str(state.workspace().root))


def _set_param(token: str | None) -> None:
    if token is None:
        if SESSION_PARAM in st.query_params:
            del st.query_params[SESSION_PARAM]
    elif st.query_params.get(SESSION_PARAM) != token:
        st.query_params[SESSION_PARAM] = token


def start(user: Rater) -> None:
    """Sign `user` in for this browser session and put a fresh token in the URL."""
    from workbench import state

    found = state.store().session_rater(user.rater_id)
    epoch = found[1] if found else 0
    token = issue_token(server_secret(), user.rater_id, epoch=epoch,
                        expires_at=int(time.time() + session_hours() * 3600))
    st.session_state[TOKEN_KEY] = token
    _set_param(token)


def end(user_key: str, *, reason: str | None = None, everywhere: bool = False) -> None:
    """Forget this browser session's sign-in; `everywhere` also ends every token of the rater (sign-out)."""
    from workbench import state

    user = st.session_state.pop(user_key, None)
    st.session_state.pop(TOKEN_KEY, None)
    _set_param(None)
    if everywhere and user is not None:
        state.store().end_sessions(user.rater_id)
    if reason:
        st.session_state[ENDED_KEY] = reason


def current(user_key: str) -> Rater | None:
    """The signed-in rater as the store has them now, restored from the URL's token after a reload; None (with the
    reason kept under ENDED_KEY) when the token is missing, expired, tampered, or ended."""
    from workbench import state

    session = st.session_state
    user = session.get(user_key)
    token = session.get(TOKEN_KEY) or (st.query_params.get(SESSION_PARAM) if user is None else None)
    if user is None and not token:
        return None
    epoch = None
    if token:
        try:
            claims = read_token(server_secret(), token, now=time.time())
        except InvalidSessionToken as invalid:
            end(user_key, reason=str(invalid))
            return None
        rater_id, epoch = claims.rater_id, claims.epoch
    else:  # signed in without a token (a test that seats a rater): still re-read from the store
        rater_id = user.rater_id
    found = state.store().session_rater(rater_id)
    if found is None:
        end(user_key, reason=CANNOT_SIGN_IN)
        return None
    rater, stored_epoch = found
    if epoch is not None and epoch != stored_epoch:
        end(user_key, reason=ENDED_BY_STORE)
        return None
    session[user_key] = rater  # the role as stored now
    if token:
        session[TOKEN_KEY] = token
        _set_param(token)  # a page switch may drop query parameters: keep the URL reloadable
    return rater
