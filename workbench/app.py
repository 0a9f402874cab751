"""The Streamlit app: `streamlit run workbench/app.py` (started by `workbench app` / `workbench demo`)."""

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).parent / "app_pages"

st.set_page_config(page_title="Relevance workbench", page_icon=":mag:", layout="wide")
page = st.navigation([st.Page(PAGES / "catalog.py", title="Catalog", icon=":material/grid_view:", default=True)])
page.run()
