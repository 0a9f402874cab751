"""The app in a real browser: headless Chromium signs a rater in, labels three tasks from the keyboard, and the
three judgments land in DuckDB (the 0-4 buttons are visible without scrolling a 1400x1000 window); an admin then
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
        assert_above_the_fold(browser, [f"label_{grade}" for grade in range(5)])
        for key in KEYBOARD_LABELS:
            label_with_keyboard(browser, key)
        page.screenshot(browser, "label", ARTIFACTS, SCREENSHOTS)

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
        judged = store.judgments_frame(query_set=QUERY_SET).sort_values("judged_at")
        pooled = store.run_results_frame(query_set=QUERY_SET)
    assert list(judged["rater_id"]) == [RATER[0]] * 3
    assert list(judged["label"]) == [int(k) for k in KEYBOARD_LABELS]
    assert list(judged["mode"]) == ["graded"] * 3
    pairs = list(zip(judged["query_id"], judged["item_id"]))
    top = set(zip(pooled.loc[pooled["rank"] <= POOL_K, "query_id"], pooled.loc[pooled["rank"] <= POOL_K, "item_id"]))
    assert len(set(pairs)) == 3 and set(pairs) <= top  # three different pooled tasks


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


def assert_above_the_fold(driver, keys: list[str]) -> None:
    """Each keyed widget lies wholly inside the window as it opens (no scrolling needed to reach it)."""
    driver.execute_script("window.scrollTo(0, 0);")
    for key in keys:
        bottom, height = driver.execute_script(
            "return [arguments[0].getBoundingClientRect().bottom, window.innerHeight];", page.keyed(driver, key))
        assert 0 < bottom <= height, f"{key} ends at {bottom:.0f} px, below the {height} px high window"


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
