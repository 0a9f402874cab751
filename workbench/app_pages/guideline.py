"""Guideline: how to rate, for both modes, as stored with the judgments (what raters agreed to follow)."""

import streamlit as st

from workbench import access, state

user = access.require("rater")
store = state.store()

st.title("Guideline")
graded, binary = st.tabs(["Graded (0–4)", "Precision@10 (relevant or not)"])
with graded:
    st.markdown(store.guideline("graded"))
with binary:
    st.markdown(store.guideline("binary"))
