"""Selenium helpers for a Streamlit page: find widgets by their `key=`, wait for reruns, click the menu, screenshot.

Streamlit (1.40+) gives every keyed widget's container the CSS class `st-key-<key>`, and marks the app root
`[data-testid="stApp"]` with `data-test-script-state` ("running" while the script reruns).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 60  # seconds; the first page of a fresh server loads the models


def wait_for(driver, condition, what: str, timeout: float = TIMEOUT):
    """Wait until `condition(driver)` is truthy; on timeout, fail naming `what` and the page's visible text."""
    def safe(d):
        try:
            return condition(d)
        except (StaleElementReferenceException, WebDriverException):
            return False

    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.2).until(safe)
    except Exception:
        raise AssertionError(f"timed out waiting for {what}; the page shows:\n{page_text(driver)[:3000]}") from None


def page_text(driver) -> str:
    try:
        return driver.find_element(By.TAG_NAME, "body").text
    except WebDriverException:
        return "(no page)"


def main_text(driver) -> str:
    """The visible text of the page's main area (not the sidebar)."""
    found = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMain"]')
    return found[0].text if found else ""


def idle(driver) -> bool:
    """The script is not running (and the app root is there)."""
    roots = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stApp"]')
    return bool(roots) and roots[0].get_attribute("data-test-script-state") == "notRunning"


def settle(driver, timeout: float = TIMEOUT, quiet: float = 0.5) -> None:
    """Wait until the script has finished and stayed finished for `quiet` seconds (a rerun may follow a click)."""
    deadline = time.monotonic() + timeout
    since = None
    while time.monotonic() < deadline:
        if idle(driver):
            since = since or time.monotonic()
            if time.monotonic() - since >= quiet:
                return
        else:
            since = None
        time.sleep(0.1)
    raise AssertionError(f"the app kept running for {timeout} s; the page shows:\n{page_text(driver)[:3000]}")


def keyed(driver, key: str, inner: str = ""):
    """The element of the widget with `key=` (or `inner`, a CSS selector inside it), once it is shown."""
    selector = f".st-key-{key} {inner}".strip()
    return wait_for(driver, lambda d: _displayed(d.find_elements(By.CSS_SELECTOR, selector)), f"widget {selector!r}")


def has_key(driver, key: str) -> bool:
    return bool(_displayed(driver.find_elements(By.CSS_SELECTOR, f".st-key-{key}")))


def _displayed(elements):
    shown = [e for e in elements if e.is_displayed()]
    return shown[0] if shown else None


def type_into(driver, key: str, text: str, submit: bool = False) -> None:
    """Type into a keyed text input (or text area); `submit` presses Enter (else Tab commits the value)."""
    field = keyed(driver, key, "input, textarea")
    field.click()
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(text)
    field.send_keys(Keys.ENTER if submit else Keys.TAB)


def click(driver, key: str) -> None:
    """Click a keyed button (also a form's submit button)."""
    keyed(driver, key, "button").click()


def open_page(driver, title: str) -> None:
    """Open a page by its title in the sidebar menu (a same-session navigation, so the sign-in holds)."""
    def link(d):
        for a in d.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebarNav"] a, [data-testid="stSidebarNavLink"]'):
            if a.is_displayed() and a.text.strip().splitlines()[-1:] == [title]:  # after the icon's ligature name
                return a
        return None

    wait_for(driver, link, f"the menu entry {title!r}").click()
    settle(driver)


def press(driver, key: str) -> None:
    """Send one key stroke to the page body (as a user's keyboard shortcut would reach it)."""
    body = driver.find_element(By.TAG_NAME, "body")
    driver.execute_script("if (document.activeElement) document.activeElement.blur();")
    body.send_keys(key)


def present(driver, key: str) -> bool:
    """Whether the widget with `key=` is in the page, shown or not (e.g. inside a collapsed expander)."""
    return bool(driver.find_elements(By.CSS_SELECTOR, f".st-key-{key}"))


def scroll_to(driver, key: str) -> None:
    """Scroll the app so that the widget with `key=` is at the top of the window."""
    element = keyed(driver, key)
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", element)
    time.sleep(0.3)  # let lazy images below the old fold load


def screenshot(driver, name: str, artifacts: Path, docs: Path | None = None) -> Path:
    """Save a PNG of the browser window to artifacts/NAME.png (and copy it to docs/NAME.png)."""
    artifacts.mkdir(parents=True, exist_ok=True)
    path = artifacts / f"{name}.png"
    driver.execute_script("if (document.activeElement) document.activeElement.blur();")
    assert driver.save_screenshot(str(path)), f"could not save the screenshot {path}"
    if docs is not None:
        docs.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, docs / f"{name}.png")
    return path
