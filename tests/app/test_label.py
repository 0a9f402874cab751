"""The Label page under AppTest: labels land in DuckDB with the right task, rater and value; undo, skip, P@10; blind."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from labels import Rater
from workbench.label_state import crop_pixels, grade_meanings, with_crop_drawn

from .labeling_workspace import CONFIG_NAMES, ROLES, store_of

PAGE = Path(__file__).parents[2] / "workbench" / "app_pages" / "label.py"


def page_as(rater_id: str) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.session_state["signed_in_rater"] = Rater(rater_id, rater_id.title(), ROLES[rater_id], False, None)
    return at.run()


def shown_task(at: AppTest):
    return at.session_state["label_session_graded"].current


def page_text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "subheader", "title", "info") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts) + "\n".join(b.label for b in at.button)


def test_a_label_lands_in_duckdb_with_task_rater_and_value(workspace):
    at = page_as("ann")
    assert not at.exception and not at.error
    task = shown_task(at)
    assert task is not None and task.mode == "graded"
    assert "0 done / 10 assigned" in at.get("progress")[0].proto.text
    at.text_input(key="label_comment").input("crisp photo")
    at.button(key="label_3").click().run()
    assert not at.exception and not at.error
    frame = store_of(workspace).judgments_frame()
    assert len(frame) == 1
    row = frame.iloc[0]
    assert (row["rater_id"], int(row["label"]), row["mode"]) == ("ann", 3, "graded")
    stored = store_of(workspace).task(task.task_id)
    assert (row.query_id, row.item_id) == (stored.query_id, stored.item_id)
    [judgment] = store_of(workspace).judgment_history(task.task_id, "ann")
    assert judgment.comment == "crisp photo" and judgment.seconds_spent >= 0
    assert shown_task(at).task_id != task.task_id  # the next task is on screen
    assert at.text_input(key="label_comment").value == ""  # the comment box is cleared for it
    assert "1 done / 10 assigned" in at.get("progress")[0].proto.text


def test_undo_reopens_the_last_task_and_the_new_label_supersedes(workspace):
    at = page_as("ann")
    first = shown_task(at)
    at.button(key="label_4").click().run()
    second = shown_task(at)
    at.button(key="label_undo").click().run()
    assert not at.exception
    assert shown_task(at).task_id == first.task_id
    assert "Changing your label 4" in at.info[0].value
    at.button(key="label_1").click().run()
    history = store_of(workspace).judgment_history(first.task_id, "ann")
    assert [j.label for j in history] == [4, 1]  # history kept, the new row is current
    frame = store_of(workspace).judgments_frame()
    assert len(frame) == 1 and int(frame.iloc[0].label) == 1
    assert shown_task(at).task_id == second.task_id  # the task pushed aside by undo comes back


def test_skip_moves_on_without_a_judgment_and_never_serves_the_task_again(workspace):
    at = page_as("ann")
    skipped = shown_task(at)
    at.button(key="label_skip").click().run()
    assert not at.exception
    assert shown_task(at).task_id != skipped.task_id
    assert store_of(workspace).judgment_history(skipped.task_id, "ann") == []
    seen = []
    for _ in range(12):
        task = shown_task(at)
        if task is None:
            break
        seen.append(task.task_id)
        at.button(key="label_2").click().run()
    assert skipped.task_id not in seen and len(seen) == 9  # ten tasks, one skipped
    assert any("No tasks left" in s.value for s in at.success)


def test_buttons_carry_the_guideline_meanings_and_keyboard_shortcuts(workspace):
    at = page_as("ann")
    labels = {b.key: b for b in at.button}
    assert (labels["label_4"].label, labels["label_0"].label) == ("4 · Excellent", "0 · Irrelevant")
    assert labels["label_4"].help == "Matches both the reference image and the text intent"
    shortcuts = {key: labels[key].proto.shortcut for key in ("label_0", "label_4", "label_skip", "label_undo")}
    assert shortcuts == {"label_0": "0", "label_4": "4", "label_skip": "s", "label_undo": "u"}


def test_the_grade_buttons_are_of_equal_weight(workspace):
    at = page_as("ann")
    grades = [b for b in at.button if b.key.startswith("label_") and b.key[-1].isdigit()]
    assert len(grades) == 5
    assert {b.proto.type for b in grades} == {"secondary"}  # none highlighted: no pull toward one grade


def test_the_guideline_is_beside_the_result_not_over_it(workspace):
    at = page_as("ann")
    assert not at.get("popover")
    [guideline] = [e for e in at.expander if e.label == "Guideline"]
    assert "Excellent" in "\n".join(m.value for m in guideline.markdown)


def test_the_key_script_is_installed_and_blurs_the_comment_on_esc_and_enter(workspace):
    from workbench.label_keys import key_script

    at = page_as("ann")
    [html] = at.get("html")
    assert html.proto.body == key_script()
    assert '"release": ["Escape", "Enter"]' in key_script() and '"comment": "label_comment"' in key_script()


def test_the_page_is_blind(workspace):
    at = page_as("ann")
    for _ in range(3):
        text = page_text(at)
        assert not any(name in text for name in CONFIG_NAMES)
        assert "rank" not in text.lower() and "score" not in text.lower()
        at.button(key="label_2").click().run()


def test_precision_at_10_submits_exactly_the_toggled_results(workspace):
    at = page_as("ann")
    at.radio(key="label_mode").set_value("Precision@10 (relevant or not)").run()
    assert not at.exception
    page = at.session_state["label_session_binary"].page
    assert len({t.query_id for t in page}) == 1 and 2 < len(page) <= 10
    assert "0 done / 10 assigned" in at.get("progress")[0].proto.text  # ten binary tasks in the pool
    assert [at.toggle(key=f"p10_{i}").label for i in range(len(page))] == [
        f"Relevant ({'1234567890'[i]})" for i in range(len(page))]  # the key that toggles each result
    assert all(at.toggle(key=f"p10_{i}").form_id for i in range(len(page)))  # in a form: a toggle does not rerun
    toggled = {0, len(page) - 1}
    for i in toggled:
        at.toggle(key=f"p10_{i}").set_value(True)
    at.text_input(key="label_comment").input("two match")
    at.button(key="p10_submit").click().run()
    assert not at.exception and not at.error
    frame = store_of(workspace).judgments_frame(mode="binary").set_index("item_id")
    assert len(frame) == len(page)
    assert {t.item_id: int(frame.loc[t.item_id, "label"]) for t in page} == {
        t.item_id: int(i in toggled) for i, t in enumerate(page)
    }
    assert [j.comment for j in store_of(workspace).judgment_history(page[1].task_id, "ann")] == ["two match"]
    assert not any(at.toggle(key=f"p10_{i}").value for i in range(len(at.session_state["label_session_binary"].page)))
    assert at.text_input(key="label_comment").value == ""  # both cleared for the next page
    next_page = at.session_state["label_session_binary"].page
    assert next_page and next_page[0].query_id != page[0].query_id


def test_a_cropped_reference_is_shown_enlarged_beside_the_scene(workspace):
    at = page_as("ann")
    for _ in range(6):  # q1 has a crop; its tasks come up among the first six
        if at.session_state["label_session_graded"].current.query_id == "q1":
            break
        at.button(key="label_2").click().run()
    assert at.session_state["label_session_graded"].current.query_id == "q1"
    captions = [caption for image in at.image for caption in image.captions]
    assert "The boxed object, enlarged" in captions and "Scene (boxed: the reference)" in captions


@pytest.mark.parametrize("role", ["ann", "ria", "ada"])
def test_every_role_may_label(workspace, role):
    at = page_as(role)
    assert not at.exception and not at.error
    assert at.title[0].value == "Label"


def test_nobody_signed_in_sees_an_error_and_no_task(workspace):
    at = AppTest.from_file(str(PAGE), default_timeout=60).run()
    assert not at.exception
    assert "Not allowed" in at.error[0].value and not at.button


@pytest.mark.parametrize(("index", "key"), [(0, "1"), (8, "9"), (9, "0")])
def test_result_n_of_a_precision_at_10_page_is_toggled_by_key_n_and_the_tenth_by_0(index, key):
    from workbench.label_keys import p10_key

    assert p10_key(index) == key


def test_a_precision_at_10_page_has_no_key_for_an_eleventh_result():
    from workbench.label_keys import p10_key

    with pytest.raises(ValueError, match="at most 10 results; got result index 10"):
        p10_key(10)


def test_crop_pixels_scales_fractions_and_keeps_pixels():
    assert crop_pixels((0.1, 0.2, 0.5, 1.0), (200, 100)) == (20, 20, 100, 100)
    assert crop_pixels((10, 20, 150, 90), (200, 100)) == (10, 20, 150, 90)
    assert crop_pixels((-5, 0, 300, 90), (200, 100)) == (0, 0, 200, 90)  # clamped to the image


def test_the_crop_is_drawn_on_the_reference(tmp_path):
    path = tmp_path / "white.png"
    Image.new("RGB", (100, 100), "white").save(path)
    image = with_crop_drawn(path, (0.2, 0.2, 0.8, 0.8))
    assert image.getpixel((20, 50)) != (255, 255, 255)  # on the left edge of the box
    assert image.getpixel((50, 50)) == (255, 255, 255)  # inside, untouched
    assert with_crop_drawn(path, None).getpixel((20, 50)) == (255, 255, 255)


def test_grade_meanings_come_from_the_guideline_table():
    table = "| grade | name | meaning |\n| --- | --- | --- |\n| **4** | Excellent | Matches **both** parts: more. |\n"
    table += "| **0** | Irrelevant | **Irrelevant or broken**: nothing. |\n"
    assert grade_meanings(table) == {4: ("Excellent", "Matches both parts"), 0: ("Irrelevant", "Irrelevant or broken")}


def test_the_zoomed_crop_is_the_boxed_part_enlarged(tmp_path):
    from workbench.label_state import zoomed_crop

    path = tmp_path / "halves.png"
    image = Image.new("RGB", (200, 100), "white")
    image.paste((255, 0, 0), (100, 0, 200, 100))  # the right half is red
    image.save(path)
    zoomed = zoomed_crop(path, (0.5, 0.0, 1.0, 1.0), 400)  # the right half, 100x100 px, to 400 px
    assert zoomed.size == (400, 400)
    assert zoomed.getpixel((5, 5)) == (255, 0, 0) and zoomed.getpixel((395, 395)) == (255, 0, 0)
    assert zoomed_crop(path, (0, 0, 50, 25), 100).size == (100, 50)  # pixels; the aspect kept
    with pytest.raises(ValueError, match="empty"):
        zoomed_crop(path, (0.5, 0.5, 0.5, 0.9), 100)


def test_items_are_found_by_id_and_the_reference_is_a_path_or_a_drawn_jpeg(workspace, tmp_path):
    from engine.catalog import list_items
    from workbench.label_state import items_by_id, reference_image

    items = list_items(workspace, limit=3, kind="product").items
    wanted = (items[2].item_id, "no-such-item", items[0].item_id, items[2].item_id)
    found = items_by_id(str(workspace.root), wanted)
    assert found == {items[0].item_id: items[0], items[2].item_id: items[2]}
    assert items_by_id(str(workspace.root), ()) == {}
    path = tmp_path / "white.png"
    Image.new("RGB", (100, 100), "white").save(path)
    assert reference_image(str(path), None) == str(path)
    drawn = reference_image(str(path), (0.2, 0.2, 0.8, 0.8))
    assert drawn[:3] == b"\xff\xd8\xff"  # a JPEG


def test_an_item_ingested_after_the_first_lookup_is_found(ingested_workspace, tmp_path):
    import shutil

    from engine.catalog import ingest_catalog
    from engine.workspace import Workspace
    from workbench.label_state import items_by_id

    workspace = Workspace(tmp_path / "own")  # its own table: the shared fixture's is read-only
    shutil.copytree(ingested_workspace.root, workspace.root, ignore=shutil.ignore_patterns("judgments.duckdb*"))
    assert items_by_id(str(workspace.root), ("late-item",)) == {}  # the process's rows are read now
    images = tmp_path / "images"
    images.mkdir()
    Image.new("RGB", (64, 64), "red").save(images / "late.png")
    (tmp_path / "items.csv").write_text("item_id,image_path,title\nlate-item,late.png,A late red item\n")
    assert not ingest_catalog(workspace, images, tmp_path / "items.csv", progress=False).skipped
    assert items_by_id(str(workspace.root), ("late-item",))["late-item"].title == "A late red item"
