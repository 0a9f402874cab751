"""Label: the rater's queue, blind. Graded mode shows one result (keys 0-4, S skips, U undoes); Precision@10 shows ten
(keys 1-9 and 0 toggle them, Enter submits). Everything a rater needs fits a 1400x900 window."""

import streamlit as st

from labels import LABEL_SCALES
from workbench import access, state
from workbench.label_flow import assigned_total, session_for
from workbench.label_keys import SKIP_KEY, UNDO_KEY, bind_keys, p10_key
from workbench.label_state import (
    crop_image, grade_meanings, guideline_text, items_by_id, reference_image, resolve_image,
)

IMAGE_WIDTH = 260  # the images, the 0-4 buttons, Skip, Undo and the comment fit one 1400x900 window, unscrolled
ZOOM_PIXELS = 2 * IMAGE_WIDTH  # the enlarged crop's longer side (sharp on a 2x display)
P10_IMAGE_WIDTH = 120  # two rows of five results beside the query, Submit within 1400x900
MODES = {"Graded (0–4)": "graded", "Precision@10 (relevant or not)": "binary"}
ERROR_KEY = "label_error"
COMMENT_HELP = "Enter or Esc leaves the box, and the keys grade again."

user = access.require("rater")
ws = state.workspace()
store = state.store()

title_column, mode_column, progress_column = st.columns([1, 3, 2], vertical_alignment="center")  # one row: room
title_column.title("Label")
mode = MODES[mode_column.radio("Mode", list(MODES), key="label_mode", horizontal=True, label_visibility="collapsed")]
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


def _clear_page(size: int) -> None:
    """Untoggle the results and empty the comment for the next page (here, not only by the form's clear_on_submit,
    which the browser does and AppTest does not)."""
    for i in range(size):
        st.session_state[f"p10_{i}"] = False
    st.session_state["label_comment"] = ""


def _skip_page() -> None:
    size = len(session.page)
    _guarded(session.skip)
    _clear_page(size)


def _submit_page() -> None:
    def action():
        relevant = [bool(st.session_state.get(f"p10_{i}", False)) for i in range(len(session.page))]
        session.submit_page(state.store(), relevant, st.session_state.get("label_comment") or None)
        _clear_page(len(relevant))

    _guarded(action)


def _show_query(query, *, width: int | str = IMAGE_WIDTH, stacked: bool = False) -> None:
    st.markdown(f"**{query.query_type.capitalize()} query:** {query.text or '(image only)'}")
    reference = None
    if query.image_item_id:
        found = items_by_id(str(ws.root), (query.image_item_id,)).get(query.image_item_id)
        reference = resolve_image(ws.root, found.image_path) if found else None
    elif query.image_path:
        reference = resolve_image(ws.root, query.image_path)
    if reference is not None and reference.is_file():
        if query.crop is None:
            st.image(reference_image(str(reference), None), caption="Reference", width=width)
            return
        # judge the boxed object, not the whole scene; in a narrow column the two stand one above the other
        scene, zoom = (st.container(), st.container()) if stacked else st.columns([1, 2], gap="small")
        scene.image(reference_image(str(reference), query.crop), caption="Scene (boxed: the reference)",
                    width="stretch")
        zoom.image(crop_image(str(reference), query.crop, ZOOM_PIXELS), caption="The boxed object, enlarged",
                   width="stretch")
    elif query.image_item_id or query.image_path:
        st.warning("The reference image cannot be shown (its file is missing); judge from the text, or skip.")


def _show_result(item, *, width: int, compact: bool = False) -> None:
    if item is None:
        st.warning("This result's item is not in the catalog: grade it 0 (broken).")
        return
    st.image(str(resolve_image(ws.root, item.image_path)), width=width)
    title = item.title or "(no title)"
    if compact:
        st.caption(title)
    else:
        st.markdown(f"**{title}**")


if message := st.session_state.pop(ERROR_KEY, None):
    st.error(message)

task = session.show(store)
progress = store.rater_progress(user.rater_id, mode=mode)
on_screen = 1 if task is not None and session.reopened is None else 0  # binary: the page's other tasks are still open
total = assigned_total(progress, on_screen=on_screen, pending=len(session.pending))
progress_column.progress(progress.done / total if total else 1.0, text=f"{progress.done} done / {total} assigned")
bind_keys()

if task is None:
    from workbench.label_flow import queue_end_message

    st.success(queue_end_message(progress))
    st.stop()

query = store.query(task.query_id)
guideline = guideline_text(str(ws.judgments_path), mode)

if mode == "graded":
    item = items_by_id(str(ws.root), (task.item_id,)).get(task.item_id)
    left, right, grading = st.columns([4, 3, 3], gap="medium")  # the grade buttons beside the images
    with left:
        st.subheader("Query")
        _show_query(query)
    with right:
        st.subheader("Result")
        _show_result(item, width=IMAGE_WIDTH)
        if item is not None and item.description:
            st.caption(item.description)
    meanings = grade_meanings(guideline_text(str(ws.judgments_path), "graded"))
    low, high = LABEL_SCALES["graded"]
    with grading:
        st.subheader("Your grade")
        if session.reopened is not None:
            st.info(f"Changing your label {session.reopened.label} for this result: choose again.")
        for grade in range(high, low - 1, -1):  # best first, as the guideline's table reads; all of equal weight
            name, meaning = meanings.get(grade, ("", ""))
            st.button(
                f"{grade} · {name}" if name else str(grade), key=f"label_{grade}", on_click=_grade, args=(grade,),
                help=meaning or None, shortcut=str(grade), width="stretch", type="secondary",
            )
        skip, undo = st.columns(2)
        skip.button("Skip", key="label_skip", on_click=_skip, shortcut=SKIP_KEY, width="stretch")
        undo.button("Undo", key="label_undo", on_click=_undo, shortcut=UNDO_KEY, width="stretch",
                    disabled=not session.judged)
        st.text_input("Comment (optional)", key="label_comment", help=COMMENT_HELP,
                      placeholder="e.g. broken image, unsure of the color")
        with st.expander("Guideline", icon=":material/menu_book:", key="label_guideline"):
            st.markdown(guideline)
else:
    # the query and the guideline beside the results, so that ten results and Submit fit a 1400x900 window
    query_column, results_column = st.columns([1, 4], gap="medium")
    with query_column:
        _show_query(query, width="stretch", stacked=True)
        with st.expander("Guideline", icon=":material/menu_book:", key="label_guideline"):
            st.markdown(guideline)
    items = items_by_id(str(ws.root), tuple(t.item_id for t in session.page))
    per_row = 5
    # a form: toggling a result (click or key) waits in the browser; Submit sends the whole page in one rerun
    # (Enter in the comment box leaves it, as in graded mode, rather than submitting)
    with results_column, st.form("p10_form", border=False, enter_to_submit=False, clear_on_submit=True):
        st.markdown("**Mark each result that matches the query** (keys 1–9 and 0 toggle results 1–10, Enter submits)")
        numbered = list(enumerate(session.page))
        for start in range(0, len(numbered), per_row):
            for column, (i, page_task) in zip(st.columns(per_row), numbered[start : start + per_row]):
                with column.container(key=f"p10_result_{i}"):
                    _show_result(items.get(page_task.item_id), width=P10_IMAGE_WIDTH, compact=True)
                    st.toggle(f"Relevant ({p10_key(i)})", key=f"p10_{i}")
        comment, submit, skip = st.columns([4, 1, 1], vertical_alignment="bottom")
        comment.text_input("Comment (optional)", key="label_comment", help=COMMENT_HELP)
        submit.form_submit_button("Submit page", key="p10_submit", on_click=_submit_page, type="primary",
                                  width="stretch")
        skip.form_submit_button("Skip page", key="p10_skip", on_click=_skip_page, width="stretch")
