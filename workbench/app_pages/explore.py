"""Explore: pick a reference (catalog item, scene object, crop or upload), add a descriptor or pivot, see the results.

State (st.session_state): explore_item_kept and explore_upload_path keep the reference across switches of the
reference mode (Streamlit drops the state of a widget that is not drawn); explore_response is dropped when the
reference changes; explore_run_now is set by a suggestion's button, which runs the search it fills in.
"""

from pathlib import Path

import streamlit as st

from engine.pipeline.config import DEFAULT_CONFIG
from engine.query.suggest import suggest_queries
from engine.query.understand import READ_THRESHOLD
from engine.records import Query
from workbench import access, heap, label_state, search_state, state, ui_images, ui_results

PICK_GRID = 12
PICK_COLUMNS = 6
NEW_SET = "(new query set)"
WHOLE, CUSTOM = "whole image", "a rectangle I draw"

user = access.require("researcher")
ws = state.workspace()
st.title("Explore")
try:
    context = search_state.search_context(ws)
except (FileNotFoundError, ValueError) as exc:
    st.info(f"No searchable index in `{ws.root}` yet ({exc}). Run `workbench ingest` and `workbench index`, "
            "or `workbench demo` for a sample.")
    st.stop()
heap.freeze_once(f"search context {ws.root}")  # the loaded models and catalog: out of every post-run gc.collect
for _warning in search_state.vocabulary_warnings(ws):
    st.warning(_warning, icon=":material/sync_problem:")


def _pick(item_id: str) -> None:
    st.session_state["explore_item"] = item_id


def _kept(key: str, default):
    """A browse filter's value across the closed expander (Streamlit drops the state of a widget not drawn)."""
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(f"{key}_kept", default)
    return key


def _browse_catalog() -> None:
    """The catalog browser's filters and a grid of PICK_GRID items, each with a button that makes it the reference
    (drawn only while its expander is open: collapsed, its images and buttons would be sent on every rerun)."""
    c1, c2, c3 = st.columns(3)
    text = c1.text_input("Filter by id, title or description", key=_kept("explore_ref_text", "")).strip() or None
    kind = c2.selectbox("Kind", ["all", "product", "scene"], key=_kept("explore_ref_kind", "all"))
    type_family, categories = search_state.item_categories(ws)
    category = c3.selectbox(f"{(type_family or 'product type').capitalize()} (from the catalog)",
                            ["all", *categories], key=_kept("explore_ref_category", "all"), disabled=not categories)
    for key in ("explore_ref_text", "explore_ref_kind", "explore_ref_category"):
        st.session_state[f"{key}_kept"] = st.session_state[key]
    page = state.catalog_page(str(ws.root), 0, 1000, text, None if kind == "all" else kind)
    shown = [i for i in page.items if category == "all"
             or context.items.get(i.item_id, {}).get("attributes", {}).get(type_family) == category][:PICK_GRID]
    if not shown:
        st.caption("No items match these filters.")
    for start in range(0, len(shown), PICK_COLUMNS):
        for column, item in zip(st.columns(PICK_COLUMNS), shown[start:start + PICK_COLUMNS]):
            with column:
                st.image(ui_results.thumbnail(ws.root / item.image_path), width="stretch", output_format="JPEG")
                st.button(f"Use {item.item_id}", key=f"explore_pick_{item.item_id}", on_click=_pick,
                          args=(item.item_id,), width="stretch")


def _forget_upload() -> None:
    st.session_state.pop("explore_upload_path", None)
    st.session_state.pop("explore_upload_name", None)


def _upload_changed() -> None:
    if st.session_state.get("explore_upload") is None:  # the user removed the file (not: the widget came back empty)
        _forget_upload()


def _suggest(text: str) -> None:
    st.session_state["explore_text"] = text
    st.session_state["explore_run_now"] = True


# ---- the reference ------------------------------------------------------------------------------------------
source = st.radio("Reference", ["Catalog item", "Upload an image", "Text only"], horizontal=True,
                  key="explore_source")
item_id = image_path = None
reference_image = None
boxes: list[dict] = []
if source == "Catalog item":
    # on_change="rerun": opening or closing it reruns the page, so its content is drawn only while it is open
    with st.expander("Browse the catalog", expanded=not st.session_state.get("explore_item"),
                     on_change="rerun") as browse:
        if browse.open:
            _browse_catalog()
    if "explore_item" not in st.session_state:  # back from another mode: the widget's state was dropped
        st.session_state["explore_item"] = st.session_state.get("explore_item_kept", "")
    item_id = st.text_input("Reference item id", key="explore_item").strip() or None
    st.session_state["explore_item_kept"] = item_id or ""
    if item_id is not None:
        if item_id not in context.items:
            st.error(f"Item `{item_id}` is not in this workspace's catalog; pick one from the grid above.")
            st.stop()
        found = label_state.items_by_id(str(ws.root), (item_id,)).get(item_id)  # by id: no text scan of the catalog
        if found is not None:
            reference_image = ws.root / found.image_path
            boxes = ui_images.scene_boxes(found.extra) if found.kind == "scene" else []
elif source == "Upload an image":
    upload = st.file_uploader("Reference image", type=list(search_state.UPLOAD_TYPES), key="explore_upload",
                              on_change=_upload_changed)
    if upload is not None:
        access.check("researcher")
        try:
            saved = search_state.save_upload(ws, upload.getvalue(), upload.name)
        except ValueError as exc:
            st.error(str(exc))
            st.stop()
        st.session_state["explore_upload_path"], st.session_state["explore_upload_name"] = str(saved), upload.name
    elif st.session_state.get("explore_upload_path"):  # uploaded before a switch of mode: still the reference
        c1, c2 = st.columns([3, 1])
        c1.caption(f"Reference: `{st.session_state.get('explore_upload_name', 'uploaded image')}`, uploaded earlier.")
        c2.button("Remove it", key="explore_upload_forget", on_click=_forget_upload, width="stretch")
    if st.session_state.get("explore_upload_path") and Path(st.session_state["explore_upload_path"]).is_file():
        reference_image = Path(st.session_state["explore_upload_path"])
        image_path = str(reference_image)

crop = None
if reference_image is not None:
    from PIL import Image

    with Image.open(reference_image) as opened:
        image = opened.convert("RGB")
    left, right = st.columns([1, 2])
    with right:
        options = [WHOLE, *[f"object {n + 1} ({b.get('item_id', '?')})" for n, b in enumerate(boxes)], CUSTOM]
        choice = st.radio("Search for", options, key="explore_crop_choice")
        selected = options.index(choice) - 1 if choice not in (WHOLE, CUSTOM) else None
        if selected is not None:
            crop = ui_images.box_tuple(boxes[selected])
        elif choice == CUSTOM:
            w, h = image.size
            size = f"{reference_image.name}_{w}x{h}"  # a new image starts with a fresh rectangle
            st.caption("Move the edges; the rectangle is drawn on the image.")
            x0, x1 = st.slider("Left and right edges (px)", 0, w, (w // 4, 3 * w // 4), key=f"explore_crop_x_{size}")
            y0, y1 = st.slider("Top and bottom edges (px)", 0, h, (h // 4, 3 * h // 4), key=f"explore_crop_y_{size}")
            if x1 - x0 < 2 or y1 - y0 < 2:
                st.error(f"The rectangle is {x1 - x0}×{y1 - y0} px; move the edges apart (at least 2 px each way).")
                st.stop()
            crop = (float(x0), float(y0), float(x1), float(y1))
    with left:
        drawn = [ui_images.box_tuple(b) for b in boxes]
        if choice == CUSTOM:
            drawn, selected = [crop], 0
        st.image(ui_images.draw_boxes(image, drawn, selected), caption=f"{image.size[0]}×{image.size[1]} px")

# a new reference makes the shown results stale: they go
response = st.session_state.get("explore_response")
if response is not None:
    shown = response.understood.query
    if (shown.item_id, shown.image_path, shown.crop) != (item_id, image_path, crop):
        del st.session_state["explore_response"]

# ---- the text, with suggestions from what understanding reads off the reference ----------------------------
reference = Query(item_id=item_id, image_path=image_path, crop=crop)
if item_id or image_path:
    cache = st.session_state.setdefault("explore_readings", {})
    key = (item_id, image_path, crop)
    if key not in cache:
        from engine.pipeline.understand import understand

        try:
            read = understand(context, reference)
            cache[key] = (read.reference_attributes, read.reference_confidence)
        except ValueError as exc:
            st.error(str(exc))
            st.stop()
    reading, confidence = cache[key]
    st.caption(ui_results.reading_caption(reading, confidence, READ_THRESHOLD))
    suggestions = suggest_queries(reading, confidence, context.vocabulary)
    for start in range(0, len(suggestions), PICK_COLUMNS):
        for n, (column, s) in enumerate(zip(st.columns(PICK_COLUMNS), suggestions[start:start + PICK_COLUMNS])):
            column.button(s.text, key=f"explore_suggest_{start + n}", on_click=_suggest, args=(s.text,),
                          icon=":material/tune:" if s.kind == "pivot" else ":material/search:", width="stretch")

text = st.text_input("Descriptor or pivot (or plain text)", key="explore_text",
                     placeholder="e.g. in red · same color palette · for a wedding")
names = search_state.config_names(ws)
c1, c2, c3 = st.columns([2, 1, 1])
config_name = c1.selectbox("Config", names, key="explore_config",
                           index=search_state.default_config(ws, names, (DEFAULT_CONFIG,)))
if note := search_state.missing_models_note(ws, config_name):
    st.warning(note, icon=":material/model_training:")
k = int(c2.number_input("Results", 1, 100, 20, key="explore_k"))
run_now = st.session_state.pop("explore_run_now", False)  # a suggestion was clicked
if c3.button("Search", type="primary", key="explore_search", width="stretch") or run_now:
    try:
        response = search_state.run_search(ws, Query(text=text, item_id=item_id, image_path=image_path, crop=crop),
                                           config_name, k)
    except ValueError as exc:
        st.session_state.pop("explore_response", None)
        st.error(str(exc))
    else:
        st.session_state["explore_response"] = response
        st.session_state["explore_searched"] = (text, config_name, k)
        heap.freeze_once("first search")  # what the first search loads lazily (e.g. the reranker's models)

# ---- the results --------------------------------------------------------------------------------------------
response = st.session_state.get("explore_response")
if response is not None:
    st.markdown(ui_results.understood_caption(response))
    st.caption(f"config {response.config.name} ({response.config.content_hash()}) · {response.candidates} candidates"
               f" · {ui_results.timings_caption(response.timings_ms)}")  # each stage's ms (a table cost ~80 ms)
    if notes := ui_results.notices_caption(response):
        st.caption(notes)
    if st.session_state.get("explore_searched") != (text, config_name, k):
        st.info("These results are for the query as it was searched; press Search to run the changed one.")
    if not response.results:
        st.warning("No results: the CGs found no candidate for this query.")
    elif nothing_matches := ui_results.coverage_warning(response):
        st.warning(nothing_matches, icon=":material/search_off:")
        st.subheader("Nearest alternatives")
    ui_results.result_grid(response, ws, context.items, key="explore_results")

    st.subheader("Send to a labeling query set")
    store = state.store()
    sets = [s.name for s in store.query_sets()]
    c1, c2, c3 = st.columns([2, 2, 1])
    chosen = c1.selectbox("Query set", [NEW_SET, *sets], key="explore_qs")
    new_name = c2.text_input("New set name", value="explore", key="explore_qs_new",
                             disabled=chosen != NEW_SET).strip()
    if c3.button("Send", key="explore_send", width="stretch"):
        access.check("researcher")
        name = new_name if chosen == NEW_SET else chosen
        if not name:
            st.error("Give the new query set a name.")
        else:
            store.add_query_set(name, "queries sent from Explore", exist_ok=True)
            record = search_state.query_record(response.understood, name)
            added = store.add_queries([record])
            st.success(f"Query `{record.query_id}` ({record.query_type}) "
                       + ("added to" if added else "was already in") + f" query set `{name}`.")
