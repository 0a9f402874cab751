"""Label: the rater's queue, blind. Graded mode shows one result (keys 0-4, S skips, U undoes); Precision@10 shows ten."""

import streamlit as st

from labels import LABEL_SCALES
from workbench import access, state
from workbench.label_flow import session_for
from workbench.label_state import grade_meanings, guideline_text, items_by_id, reference_image, resolve_image

IMAGE_WIDTH = 260  # the two images and the 0-4 buttons beside them fit one 1000 px high window, unscrolled
MODES = {"Graded (0–4)": "graded", "Precision@10 (relevant or not)": "binary"}
ERROR_KEY = "label_error"

user = access.require("rater")
ws = state.workspace()
store = state.store()

st.title("Label")
mode_column, progress_column, guideline_column = st.columns([5, 4, 2], vertical_alignment="bottom")
mode = MODES[mode_column.radio("Mode", list(MODES), key="label_mode", horizontal=True)]
session = session_for(st.session_state, user.rater_id, mode)


def _guarded(action) -> None:
    """Run a write for the signed-in rater, keeping any refusal or bad-input message for the page to show."""
    try:
        rater = access.check("rater")
        if rater.rater_id != session.rater_id:
            raise access.AccessDenied(f"this labeling session belongs to {session.rater_id}, not {rater.rater_id}")
        action()
    except (access.AccessDenied, ValueError) as exc:
        st.session_state[ERROR_KEY] = str(exc)


def _grade(label: int) -> None:
    def action():
        session.submit(state.store(), label, st.session_state.get("label_comment") or None)
        st.session_state["label_comment"] = ""

    _guarded(action)


def _skip() -> None:
    _guarded(session.skip)


def _undo() -> None:
    def action():
        if not session.undo(state.store()):
            raise ValueError("nothing to undo: no label given in this session yet")

    _guarded(action)


def _submit_page() -> None:
    def action():
        relevant = [bool(st.session_state.get(f"p10_{i}", False)) for i in range(len(session.page))]
        session.submit_page(state.store(), relevant, st.session_state.get("label_comment") or None)
        for i in range(len(relevant)):
            st.session_state[f"p10_{i}"] = False
        st.session_state["label_comment"] = ""

    _guarded(action)


def _show_query(query) -> None:
    st.markdown(f"**Query type:** {query.query_type}")
    if query.text:
        st.markdown(f"**Text:** {query.text}")
    reference = None
    if query.image_item_id:
        found = items_by_id(str(ws.root), (query.image_item_id,)).get(query.image_item_id)
        reference = resolve_image(ws.root, found.image_path) if found else None
    elif query.image_path:
        reference = resolve_image(ws.root, query.image_path)
    if reference is not None and reference.is_file():
        caption = "Reference (the boxed object is the reference)" if query.crop else "Reference"
        st.image(reference_image(str(reference), query.crop), caption=caption, width=IMAGE_WIDTH)
    elif query.image_item_id or query.image_path:
        st.warning("The reference image cannot be shown (its file is missing); judge from the text, or skip.")


def _show_result(item, *, large: bool) -> None:
    if item is None:
        st.warning("This result's item is not in the catalog: grade it 0 (broken).")
        return
    st.image(str(resolve_image(ws.root, item.image_path)), width=IMAGE_WIDTH if large else "stretch")
    st.markdown(f"**{item.title or '(no title)'}**")
    if large and item.description:
        st.caption(item.description)


if message := st.session_state.pop(ERROR_KEY, None):
    st.error(message)

task = session.show(store)
progress = store.rater_progress(user.rater_id, mode=mode)
on_screen = 1 if task is not None and session.reopened is None else 0  # binary: the page's other tasks are still open
total = progress.done + progress.open + on_screen + len(session.pending)
progress_column.progress(progress.done / total if total else 1.0, text=f"{progress.done} done / {total} assigned")
with guideline_column.popover("Guideline", icon=":material/menu_book:", width="stretch",
                              key="label_guideline"):
    st.markdown(guideline_text(str(ws.judgments_path), mode))

if task is None:
    st.success("No tasks left for you in this mode. Thank you! New tasks appear when an admin builds a task pool.")
    st.stop()

query = store.query(task.query_id)

if mode == "graded":
    item = items_by_id(str(ws.root), (task.item_id,)).get(task.item_id)
    left, right, grading = st.columns([5, 5, 4], gap="medium")  # the grade buttons beside the images
    with left:
        st.subheader("Query")
        _show_query(query)
    with right:
        st.subheader("Result")
        _show_result(item, large=True)
    meanings = grade_meanings(guideline_text(str(ws.judgments_path), "graded"))
    low, high = LABEL_SCALES["graded"]
    with grading:
        st.subheader("Your grade")
        if session.reopened is not None:
            st.info(f"Changing your label {session.reopened.label} for this result: choose again.")
        for grade in range(high, low - 1, -1):  # best first, as the guideline's table reads
            name, meaning = meanings.get(grade, ("", ""))
            st.button(
                f"{grade} · {name}" if name else str(grade), key=f"label_{grade}", on_click=_grade, args=(grade,),
                help=meaning or None, shortcut=str(grade), width="stretch", type="primary" if grade == high else "secondary",
            )
            st.caption(meaning)
        skip, undo = st.columns(2)
        skip.button("Skip", key="label_skip", on_click=_skip, shortcut="S", width="stretch")
        undo.button("Undo", key="label_undo", on_click=_undo, shortcut="U", width="stretch", disabled=not session.judged)
        st.text_input("Comment (optional)", key="label_comment", placeholder="e.g. broken image, unsure of the color")
else:
    st.subheader("Query")
    _show_query(query)
    st.subheader("Results: mark each one that matches the query")
    items = items_by_id(str(ws.root), tuple(t.item_id for t in session.page))
    per_row = 5
    for start in range(0, len(session.page), per_row):
        for column, (i, page_task) in zip(st.columns(per_row), list(enumerate(session.page))[start : start + per_row]):
            with column:
                _show_result(items.get(page_task.item_id), large=False)
                st.toggle("Relevant", key=f"p10_{i}")
    st.text_input("Comment (optional)", key="label_comment")
    submit, skip, _ = st.columns([1, 1, 4])
    submit.button("Submit page", key="p10_submit", on_click=_submit_page, type="primary", width="stretch")
    skip.button("Skip page", key="p10_skip", on_click=_skip, width="stretch")
