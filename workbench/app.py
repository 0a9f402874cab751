"""The Streamlit app: `streamlit run workbench/app.py` (started by `workbench app` / `workbench demo`).

Under `--auth password` nobody sees a page before signing in; then the menu holds only the pages
the rater's role allows (each page checks the role again itself). Under `--auth none` the one local
user is an admin, and a banner on every page says so.
"""

import streamlit as st

from workbench import access, sessions

DEFAULT_PAGE = {"rater": "label.py", "researcher": "explore.py", "admin": "explore.py"}

st.set_page_config(page_title="Relevance workbench", page_icon=":mag:", layout="wide")


def _sign_in_form() -> None:
    st.title("Relevance workbench")
    if ended := st.session_state.get(sessions.ENDED_KEY):
        st.info(f"Signed out: {ended}.", icon=":material/logout:")
    with st.form("signin"):
        st.markdown("**Sign in**")
        rater_id = st.text_input("Rater id", key="signin_rater")
        secret = st.text_input("Secret", type="password", key="signin_secret")
        if st.form_submit_button("Sign in", key="signin_submit", type="primary"):
            from workbench.sign_in_throttle import throttle_keys, too_many_message

            throttle, keys = access.sign_in_throttle(), throttle_keys(rater_id, access.client_address())
            wait = throttle.wait_s(keys)
            if wait > 0:
                st.error(too_many_message(wait))
                return
            user = access.authenticate(rater_id, secret)
            if user is None:
                throttle.failed(keys)
                st.error(access.SIGN_IN_FAILED)
            else:
                throttle.succeeded(keys)
                access.sign_in(user)
                st.rerun()


def _menu(user) -> list:
    allowed = access.allowed_pages(user)
    default = next((s for s in allowed if s.file == DEFAULT_PAGE[user.role]), allowed[0] if allowed else None)
    return [st.Page(s.path, title=s.title, icon=s.icon, default=s is default) for s in allowed]


user = access.current_user()
if user is None:
    _sign_in_form()
    st.stop()

with st.sidebar:
    if access.auth_mode() == "none":
        st.caption(f"Local user `{user.rater_id}` · role **{user.role}**")
    else:
        st.markdown(f"Signed in as **{user.name}** (`{user.rater_id}`) · role **{user.role}**")
        if st.button("Sign out", key="signout"):
            access.sign_out()
            st.rerun()
if access.auth_mode() == "none":
    st.warning(access.NO_AUTH_BANNER, icon=":material/lock_open:")

pages = _menu(user)
if not pages:
    st.error(f"No page is open to the role {user.role!r}.")
    st.stop()
st.navigation(pages).run()
