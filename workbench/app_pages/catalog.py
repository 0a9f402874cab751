"""Catalog: browse the ingested items with their images and metadata."""

import streamlit as st

from workbench import access, state

PAGE_SIZE = 24
COLUMNS = 6

user = access.require("researcher")
ws = state.workspace()
st.title("Catalog")

with st.sidebar:
    text = st.text_input("Search item id, title or description", key="catalog_text").strip() or None
    kind = st.selectbox("Kind", ["all", "product", "scene"], key="catalog_kind")
    page_number = st.number_input("Page", min_value=1, value=1, step=1, key="catalog_page")

try:
    page = state.catalog_page(str(ws.root), (page_number - 1) * PAGE_SIZE, PAGE_SIZE, text,
                              None if kind == "all" else kind)
except (FileNotFoundError, ValueError) as exc:
    st.info(f"No catalog in `{ws.root}` yet. {exc}")
    st.stop()

last_page = max(1, -(-page.total // PAGE_SIZE))
st.caption(f"{page.total} items in `{ws.root}` · page {page_number} of {last_page}")
if not page.items:
    st.warning("This page is past the last item." if page.total else "No items match these filters.")

for start in range(0, len(page.items), COLUMNS):
    for column, item in zip(st.columns(COLUMNS), page.items[start : start + COLUMNS]):
        with column:
            st.image(str(ws.root / item.image_path), width="stretch")
            st.markdown(f"**{item.title or '(no title)'}**")
            price = f" · ${item.price:,.2f}" if item.price is not None else ""
            st.caption(f"`{item.item_id}` · {item.kind}{price}" + (f" · {item.brand}" if item.brand else ""))
            with st.expander("Details"):
                st.write(item.description or "(no description)")
                if item.tags:
                    st.markdown("**Tags** " + ", ".join(item.tags))
                if item.board_titles:
                    st.markdown("**Saved to** " + "; ".join(item.board_titles))
                if item.extra:
                    st.json(item.extra, expanded=False)
