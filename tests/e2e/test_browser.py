"""The app in a real browser: headless Chromium signs a rater in, labels three tasks from the keyboard, comments on
a fourth (Esc hands the keys back), marks a Precision@10 page from the keyboard, and the judgments land in DuckDB
(the grade buttons, Skip, Undo, the comment and the images are visible without scrolling a 1400x900 viewport); an admin then
runs an Explore query, opens Compare and every other page (no Streamlit exception on any). Screenshots of every page
are kept in tests/e2e/artifacts/ (every run) and, with WORKBENCH_UPDATE_SCREENSHOTS=1, copied to docs/screenshots/ (the README's).

Needs /usr/bin/chromium and /usr/bin/chromedriver (Debian's chromium and chromium-driver; `make test` installs
them through scripts/ensure_chromium.sh).
"""

from __future__ import annotations

import re

import pytest

from tests.e2e import streamlit_page as page
from tests.e2e.conftest import ARTIFACTS, POOL_K, QUERY_SET, RATER, RESEARCHER, SCREENSHOTS, start_app

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

KEYBOARD_LABELS = ("3", "1", "4")
COMMENT = ("needs a closer look", "2")  # typed in the comment box, Esc, then this grade key
P10_TOGGLED = (0, 2)  # results 1 and 3 of the Precision@10 page, toggled by their keys
VIEWPORT = (1400, 900)
FIRST_RESULT = re.compile(r"#1\s")  # a result grid's first rank caption ("#1 p000123")
EXPLORE_QUERY = ("p000000", "in black")  # a sample item, pivoted to black
OTHER_PAGES = ("Guideline", "Collections", "Dashboard", "Catalog", "Admin")  # shown to an admin, screenshot each


def sign_in(driver, url: str, who: tuple[str, str, str, str]) -> None:
    """Open the app in a new browser session and sign in as `who` (rater_id, name, role, password)."""
    rater_id, _name, _role, password = who
    driver.get(url)
    page.settle(driver)
    page.type_into(driver, "signin_rater", rater_id)
    page.type_into(driver, "signin_secret", password)
    page.click(driver, "signin_submit")
    page.wait_for(driver, lambda d: not page.has_key(d, "signin_submit"), f"{rater_id} to be signed in")
    page.settle(driver)


def task_on_screen(driver) -> str:
    """What identifies the task the Label page shows: the main area's text and image sources."""
    from selenium.webdriver.common.by import By

    main = driver.find_element(By.CSS_SELECTOR, '[data-testid="stMain"]')
    images = [img.get_attribute("src") or "" for img in main.find_elements(By.TAG_NAME, "img")]
    return page.main_text(driver) + "\n" + "\n".join(images)


def label_with_keyboard(driver, key: str) -> None:
    """Press one grade key and wait until the next task replaces the one on screen."""
    before = task_on_screen(driver)
    page.press(driver, key)
    page.wait_for(driver, lambda d: page.idle(d) and task_on_screen(d) != before,
                  f"the next task after pressing {key!r}")
    page.settle(driver)


def test_rater_labels_from_the_keyboard_and_pages_render(e2e_workspace, browser):
    from labels import open_store

    server = start_app(e2e_workspace, auth="password")
    try:
        sign_in(browser, server.url, RATER)
        page.open_page(browser, "Label")
        page.keyed(browser, "label_0")  # the graded buttons are there: a task is on screen
        set_viewport(browser, *VIEWPORT)
        assert_above_the_fold(browser, [f"label_{grade}" for grade in range(5)]
                              + ["label_skip", "label_undo", "label_comment"], images=True)
        for key in KEYBOARD_LABELS:
            label_with_keyboard(browser, key)
        comment_then_grade(browser, *COMMENT)
        page.screenshot(browser, "label", ARTIFACTS, SCREENSHOTS)
        toggled_titles, page_size = precision_at_10_with_keyboard(browser, P10_TOGGLED)
        page.screenshot(browser, "label_p10", ARTIFACTS)
        browser.set_window_size(1400, 1000)

        sign_in(browser, server.url, RESEARCHER)  # a fresh browser session: the rater is signed out
        page.open_page(browser, "Explore")
        run_explore_query(browser)
        page.scroll_to(browser, "explore_text")  # the query text, the config and the first rows of results
        page.screenshot(browser, "explore", ARTIFACTS, SCREENSHOTS)
        open_first_score(browser)
        page.screenshot(browser, "explore_score", ARTIFACTS)  # the first result's breakdown, rank before and after
        page.open_page(browser, "Compare")
        show_comparison(browser)
        page.scroll_to(browser, "compare_cfg_a")  # the two configs, overlap measures and both grids
        page.screenshot(browser, "compare", ARTIFACTS, SCREENSHOTS)
        for title in OTHER_PAGES:
            open_and_check(browser, title)
            page.screenshot(browser, title.lower(), ARTIFACTS)
    except BaseException:
        page.screenshot(browser, "failure", ARTIFACTS)
        print(server.log())
        raise
    finally:
        server.stop()

    with open_store(e2e_workspace.judgments_path, read_only=True) as store:
        judged = store.judgments_frame(query_set=QUERY_SET, mode="graded").sort_values("judged_at")
        marked = store.judgments_frame(query_set=QUERY_SET, mode="binary")
        pooled = store.run_results_frame(query_set=QUERY_SET)
    graded = len(KEYBOARD_LABELS) + 1
    assert list(judged["rater_id"]) == [RATER[0]] * graded
    assert list(judged["label"]) == [int(k) for k in KEYBOARD_LABELS] + [int(COMMENT[1])]
    assert list(judged["comment"].fillna("")) == [""] * len(KEYBOARD_LABELS) + [COMMENT[0]]
    pairs = list(zip(judged["query_id"], judged["item_id"]))
    top = set(zip(pooled.loc[pooled["rank"] <= POOL_K, "query_id"], pooled.loc[pooled["rank"] <= POOL_K, "item_id"]))
    assert len(set(pairs)) == graded and set(pairs) <= top  # different pooled tasks
    # the Precision@10 page: one label per result, 1 exactly for the results whose keys were pressed
    assert len(marked) == page_size and set(marked["rater_id"]) == {RATER[0]} and marked["query_id"].nunique() == 1
    titles = item_titles(e2e_workspace, list(marked["item_id"]))
    assert sorted(titles[i] for i in marked.loc[marked["label"] == 1, "item_id"]) == sorted(toggled_titles)
    assert int(marked["label"].sum()) == len(P10_TOGGLED)


def item_titles(workspace, item_ids: list[str]) -> dict[str, str]:
    from engine.catalog import list_items

    return {item.item_id: item.title or "(no title)" for item in list_items(workspace, limit=1000).items
            if item.item_id in item_ids}


def set_viewport(driver, width: int, height: int) -> None:
    """Resize the window so that the page itself (not the window with its frame) is width x height."""
    frame_w, frame_h = driver.execute_script(
        "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];")
    driver.set_window_size(width + frame_w, height + frame_h)
    page.wait_for(driver, lambda d: d.execute_script("return window.innerHeight;") == height, f"a {height} px viewport")
    page.settle(driver)


def comment_then_grade(driver, comment: str, key: str) -> None:
    """Type a comment, press Esc in the box, then a grade key: the key grades (it does not land in the box)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    before = task_on_screen(driver)
    field = page.keyed(driver, "label_comment", "input")
    field.click()
    field.send_keys(comment)
    field.send_keys(Keys.ESCAPE)
    page.wait_for(driver, lambda d: d.execute_script("return document.activeElement === document.body;"),
                  "Esc to leave the comment box")
    ActionChains(driver).send_keys(key).perform()  # to whatever has the focus now, as a user's key press
    page.wait_for(driver, lambda d: page.idle(d) and task_on_screen(d) != before, f"the next task after {key!r}")
    page.settle(driver)
    assert page.keyed(driver, "label_comment", "input").get_attribute("value") == ""


def precision_at_10_with_keyboard(driver, toggled: tuple[int, ...]) -> tuple[list[str], int]:
    """Switch to Precision@10, press the keys of `toggled` results and Enter; returns their titles and the page size."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    option = page.wait_for(driver, lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, ".st-key-label_mode label")
                                                   if "Precision@10" in e.text), None), "the Precision@10 mode")
    option.click()
    page.keyed(driver, "p10_submit")
    page.settle(driver)
    results = [e for e in driver.find_elements(By.CSS_SELECTOR, '[class*="st-key-p10_result_"]') if e.is_displayed()]
    assert len(results) == 10  # a full page: both rows and Submit within the 1400x900 window
    assert_above_the_fold(driver, [f"p10_result_{i}" for i in range(10)] + ["p10_submit", "p10_skip"])
    titles = [page.keyed(driver, f"p10_result_{i}", '[data-testid="stCaptionContainer"]').text for i in toggled]
    for i in toggled:
        page.press(driver, "1234567890"[i])
    switches = driver.find_elements(By.CSS_SELECTOR, '[class*="st-key-p10_"] input[type="checkbox"]')
    assert [s.is_selected() for s in switches] == [i in toggled for i in range(len(results))]
    assert page.idle(driver)  # a toggle waits in the form: no rerun
    before = task_on_screen(driver)
    page.press(driver, Keys.ENTER)
    page.wait_for(driver, lambda d: page.idle(d) and task_on_screen(d) != before, "the page submitted by Enter")
    page.settle(driver)
    return titles, len(results)


def run_explore_query(driver) -> None:
    """Explore: a catalog reference plus a pivot through the default config; waits for the result grid."""
    item, text = EXPLORE_QUERY
    page.type_into(driver, "explore_item", item)
    page.settle(driver)
    page.type_into(driver, "explore_text", text)
    page.settle(driver)
    page.click(driver, "explore_search")
    page.wait_for(driver, lambda d: page.idle(d) and page.has_key(d, "explore_send"), "Explore's results")
    assert len(FIRST_RESULT.findall(page.main_text(driver))) == 1  # the grid's first result is shown
    cold = timings_line(driver)
    print(f"first Explore query (cold server): {cold}")
    page.click(driver, "explore_search")  # again, warm: what a user sees from the second query on
    try:  # the new timings replace the old ones (identical lines are possible when both runs are fast)
        page.wait_for(driver, lambda d: page.idle(d) and timings_line(d) not in ("", cold), "new timings", timeout=20)
    except AssertionError:
        pass
    page.settle(driver)
    assert len(FIRST_RESULT.findall(page.main_text(driver))) == 1
    print(f"second Explore query: {timings_line(driver)}")


def timings_line(driver) -> str:
    """The results caption with the stage timings ("config full (...) · ... · total N ms")."""
    return next((line for line in page.main_text(driver).splitlines() if "total" in line and " ms" in line), "")


def show_comparison(driver) -> None:
    """Compare: the same query through the two default configs side by side; waits for both grids."""
    item, text = EXPLORE_QUERY
    page.type_into(driver, "compare_q_item", item)
    page.settle(driver)
    page.type_into(driver, "compare_q_text", text)
    page.settle(driver)
    page.click(driver, "compare_run")
    page.wait_for(driver, lambda d: page.idle(d) and "rank-biased overlap" in page.main_text(d),
                  "Compare's two result grids")
    assert len(FIRST_RESULT.findall(page.main_text(driver))) == 2  # one grid per config
    page.settle(driver)


def assert_above_the_fold(driver, keys: list[str], images: bool = False) -> None:
    """Each keyed widget (and with `images`, every image of the main area) lies wholly inside the window as it
    opens (no scrolling needed to reach it)."""
    from selenium.webdriver.common.by import By

    driver.execute_script("window.scrollTo(0, 0);")
    shown = [(key, page.keyed(driver, key)) for key in keys]
    if images:
        pictures = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMain"] img')
        assert pictures, "the Label page shows no image"
        shown += [(f"image {n}", img) for n, img in enumerate(pictures)]
    for name, element in shown:
        bottom, height = driver.execute_script(
            "return [arguments[0].getBoundingClientRect().bottom, window.innerHeight];", element)
        assert 0 < bottom <= height, f"{name} ends at {bottom:.0f} px, below the {height} px high window"


def open_and_check(driver, title: str) -> None:
    """Open a page from the menu: its title shows and Streamlit shows no exception."""
    from selenium.webdriver.common.by import By

    page.open_page(driver, title)
    page.wait_for(driver, lambda d: title in page.main_text(d).splitlines()[:3], f"the {title} page's title")
    errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')]
    assert not errors, f"the {title} page shows an exception: {errors[0][:2000]}"


def open_first_score(driver) -> None:
    """Expand the first result's Score expander; its caption names the rank before reranking."""
    from selenium.webdriver.common.by import By

    summary = next(e for e in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stExpander"] summary')
                   if e.is_displayed() and e.text.strip().endswith("Score"))
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", summary)
    summary.click()
    page.wait_for(driver, lambda d: "before reranking" in page.main_text(d), "the first result's score breakdown")
    page.settle(driver)
