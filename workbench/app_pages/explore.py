"""Explore: pick a reference (catalog item, scene object, crop or upload), add a descriptor or pivot, see the results."""

import streamlit as st

from engine.records import Query
from workbench import access, label_state, search_state, state, ui_images, ui_results
from engine.query.suggest import suggest_queries

PICK_GRID = 12
PICK_COLUMNS = 6
NEW_SET = "(new query set)"
WHOLE, CUSTOM = "whole image", "custom rectangle"

user = access.require("researcher")
ws = state.workspace()
st.title("Explore")
try:
    context = search_state.search_context(ws)
except (FileNotFoundError, ValueError) as exc:
    st.info(f"No searchable index in `{ws.root}` yet ({exc}). Run `workbench ingest` and `workbench index`, "
            "or `workbench demo` for a sample.")
    st.stop()
for _warning in search_state.vocabulary_warnings(ws):
    st.warning(_warning, icon=":material/sync_problem:")


def _pick(item_id: str) -> None:
    st.session_state["explore_item"] = item_id


def _suggest(text: str) -> None:
    st.session_state["explore_text"] = text


# ---- the reference ------------------------------------------------------------------------------------------
source = st.radio("Reference", ["Catalog item", "Upload an image", "Text only"], horizontal=True,
                  key="explore_source")
item_id = image_path = None
reference_image = None
boxes: list[dict] = []
if source == "Catalog item":
    with st.expander("Browse the catalog", expanded=not st.session_state.get("explore_item")):
        c1, c2, c3 = st.columns(3)
        text = c1.text_input("Filter by id, title or description", key="explore_ref_text").strip() or None
        kind = c2.selectbox("Kind", ["all", "product", "scene"], key="explore_ref_kind")
        type_family, categories = search_state.item_categories(ws)
        category = c3.selectbox(f"{(type_family or 'product type').capitalize()} (from the catalog)",
                                ["all", *categories], key="explore_ref_category", disabled=not categories)
        page = state.catalog_page(str(ws.root), 0, 1000, text, None if kind == "all" else kind)
        shown = [i for i in page.items if category == "all"
                 or context.items.get(i.item_id, {}).get("attributes", {}).get(type_family) == category][:PICK_GRID]
        if not shown:
            st.caption("No items match these filters.")
        for start in range(0, len(shown), PICK_COLUMNS):
            for column, item in zip(st.columns(PICK_COLUMNS), shown[start:start + PICK_COLUMNS]):
                with column:
                    st.image(str(ws.root / item.image_path), width="stretch")
                    st.button(f"Use {item.item_id}", key=f"explore_pick_{item.item_id}", on_click=_pick,
                              args=(item.item_id,), width="stretch")
    item_id = st.text_input("Reference item id", key="explore_item").strip() or None
    if item_id is not None:
        if item_id not in context.items:
            st.error(f"Item `{item_id}` is not in this workspace's catalog; pick one from the grid above.")
            st.stop()
        found = label_state.items_by_id(str(ws.root), (item_id,)).get(item_id)  # by id: no text scan of the catalog
        if found is not None:
            reference_image = ws.root / found.image_path
            boxes = ui_images.scene_boxes(found.extra) if found.kind == "scene" else []
elif source == "Upload an image":
    upload = st.file_uploader("Reference image", type=list(search_state.UPLOAD_TYPES), key="explore_upload")
    if upload is not None:
        access.check("researcher")
        try:
            reference_image = search_state.save_upload(ws, upload.getvalue(), upload.name)
        except ValueError as exc:
            st.error(str(exc))
            st.stop()
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
            c = st.columns(4)
            crop = (c[0].number_input("x0", 0, w - 1, 0, key="explore_crop_x0"),
                    c[1].number_input("y0", 0, h - 1, 0, key="explore_crop_y0"),
                    c[2].number_input("x1", 1, w, w, key="explore_crop_x1"),
                    c[3].number_input("y1", 1, h, h, key="explore_crop_y1"))
            crop = tuple(float(v) for v in crop)
    with left:
        drawn = [ui_images.box_tuple(b) for b in boxes]
        if choice == CUSTOM:
            drawn, selected = [crop], 0
        st.image(ui_images.draw_boxes(image, drawn, selected), caption=f"{image.size[0]}×{image.size[1]} px")

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
    st.caption("Read off the reference: " + (", ".join(f"{f} {v} ({confidence[f]:.2f})" for f, v in reading.items())
                                              or "nothing confident"))
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
                           index=search_state.default_config(ws, names, ("full", "full_standins")))
if note := search_state.missing_models_note(ws, config_name):
    st.warning(note, icon=":material/model_training:")
k = int(c2.number_input("Results", 1, 100, 20, key="explore_k"))
if c3.button("Search", type="primary", key="explore_search", width="stretch"):
    try:
        response = search_state.run_search(ws, Query(text=text, item_id=item_id, image_path=image_path, crop=crop),
                                           config_name, k)
    except ValueError as exc:
        st.session_state.pop("explore_response", None)
        st.error(str(exc))
    else:
        st.session_state["explore_response"] = response

# ---- the results --------------------------------------------------------------------------------------------
response = st.session_state.get("explore_response")
if response is not None:
    st.markdown(ui_results.understood_caption(response))
    st.caption(f"config {response.config.name} ({response.config.content_hash()}) · {response.candidates} candidates"
               f" · {ui_results.timings_caption(response.timings_ms)}")
    st.dataframe([response.timings_ms], hide_index=True, key="explore_timings")
    if notes := ui_results.notices_caption(response):
        st.caption(notes)
    if not response.results:
        st.warning("No results: the CGs found no candidate for this query.")
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
