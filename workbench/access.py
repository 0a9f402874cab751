"""Who is signed in and what their role may do. Every page and every write calls `require`.

Roles are ordered: a rater may label; a researcher may also explore, compare and read the dashboard;
an admin may also manage raters, query sets and task pools. With `workbench app --auth none` (one
person on localhost) the session is the local admin `local`, and every page says so.

For a team deployment behind an external sign-in, Streamlit's `st.login()` with an OpenID Connect
provider (configured under `[auth]` in `.streamlit/secrets.toml`) can replace the password form:
map `st.user.email` to a rater id in `current_user` and keep every `require`/`check` as it is.
"""

from __future__ import annotations

import os

import streamlit as st

from labels.records import Rater

ROLES = ("rater", "researcher", "admin")  # each role may do everything the ones before it may
AUTH_ENV = "WORKBENCH_AUTH"
AUTH_MODES = ("none", "password")
LOCAL_RATER = "local"
SESSION_KEY = "signed_in_rater"
MIN_SECRET_CHARS = 8
NO_AUTH_BANNER = "No sign-in (--auth none): for one person on localhost"
SIGN_IN_FAILED = "Sign-in failed: unknown rater id or wrong secret."  # the same words whether or not the id exists


class AccessDenied(PermissionError):
    """The signed-in user's role may not do this."""


def auth_mode() -> str:
    """'none' (one person on localhost, no sign-in) or 'password' (raters sign in), from `workbench app --auth`."""
    mode = os.environ.get(AUTH_ENV, "none")
    if mode not in AUTH_MODES:
        raise ValueError(f"{AUTH_ENV}={mode!r} is not a sign-in mode; use one of {', '.join(AUTH_MODES)}")
    return mode


def role_rank(role: str) -> int:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    return ROLES.index(role)


def allows(user: Rater | None, minimum: str) -> bool:
    """Whether `user` holds `minimum` or a higher role (no user: nothing is allowed)."""
    return user is not None and role_rank(user.role) >= role_rank(minimum)


def current_user() -> Rater | None:
    """The signed-in rater of this browser session (kept across reloads by a session token, re-read from the store
    on every page load), or the local admin under --auth none."""
    if auth_mode() == "none":
        from workbench import state

        return state.local_admin()
    from workbench import sessions

    return sessions.current(SESSION_KEY)


def allowed_pages(user: Rater | None) -> list:
    """The app's pages (workbench.pages.PAGES) that this user's role may open, in menu order."""
    from workbench.pages import PAGES

    return [spec for spec in PAGES if allows(user, spec.role)]


@st.cache_resource(show_spinner=False)
def sign_in_throttle():
    """The server's one count of failed sign-ins (per id and per client address)."""
    from workbench.sign_in_throttle import SignInThrottle

    return SignInThrottle()


def client_address() -> str | None:
    """The browser's address as Streamlit sees it (None in tests and where Streamlit cannot tell)."""
    try:
        return st.context.ip_address
    except Exception:  # an older Streamlit, or no browser session (AppTest)
        return None


def sign_in(user: Rater) -> None:
    """Sign `user` in: for this browser session, and for reloads and new tabs of its URL until the token expires."""
    from workbench import sessions

    st.session_state[SESSION_KEY] = user
    st.session_state.pop(sessions.ENDED_KEY, None)
    sessions.start(user)


def authenticate(rater_id: str, secret: str) -> Rater | None:
    """The rater when `secret` is theirs (checked in constant time by the store), else None; never says which part was wrong."""
    from workbench import state

    rater_id = (rater_id or "").strip()
    if not rater_id or not secret:
        return None
    store = state.store()
    # An unknown id, an id without a secret and a wrong secret all take one hash to refuse (labels.auth).
    if not store.check_credentials(rater_id, secret):
        return None
    return store.rater(rater_id)


def check_secret(secret: str) -> str:
    """A rater's new secret, or an error saying what a usable one looks like."""
    if not isinstance(secret, str) or len(secret.strip()) < MIN_SECRET_CHARS:
        raise ValueError(
            f"a secret needs at least {MIN_SECRET_CHARS} characters (spaces at the ends do not count); choose a longer one"
        )
    return secret


def check_password_mode_ready(store) -> list[str]:
    """The admins who can sign in; an error naming the fix when there are none (`workbench app --auth password`)."""
    admins = store.admins_with_secret()
    if not admins:
        raise ValueError(
            "--auth password needs an admin who can sign in, and the judgment store has none; add one with "
            "`workbench raters add --id ID --name NAME --role admin` (it asks for the secret), then start the app again"
        )
    return admins


def sign_out() -> None:
    """End the rater's sessions: this one, and every reload or tab of a session link issued to them so far."""
    from workbench import sessions

    sessions.end(SESSION_KEY, everywhere=True)


def check(minimum: str) -> Rater:
    """The current user when their role allows `minimum`, else AccessDenied (for guarding writes)."""
    user = current_user()
    if not allows(user, minimum):
        who = f"{user.rater_id} ({user.role})" if user else "nobody is signed in"
        raise AccessDenied(f"this needs the {minimum} role; {who}")
    return user


def require(minimum: str) -> Rater:
    """Guard a page: render an error and stop the script unless the current user holds `minimum`."""
    try:
        return check(minimum)
    except AccessDenied as denied:
        st.error(f"Not allowed: {denied}. Sign in with an account that has the {minimum} role.")
        st.stop()
        raise  # st.stop() raises; this keeps type checkers honest
