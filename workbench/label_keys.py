"""The Label page's keyboard: grade, skip and undo keys (Streamlit button shortcuts), Precision@10 keys and the
comment box handing the keyboard back (one small script, installed once per browser tab)."""

from __future__ import annotations

import json

import streamlit as st

SKIP_KEY = "S"
UNDO_KEY = "U"
P10_KEYS = "1234567890"  # key n toggles result n of the Precision@10 page, 0 the tenth
SUBMIT_KEY = "Enter"  # submits the Precision@10 page
RELEASE_KEYS = ("Escape", "Enter")  # in the comment box: leave it, so that the keys grade again

COMMENT_KEY = "label_comment"  # widget keys the script looks for in the page (Streamlit's .st-key-<key> classes)
P10_TOGGLE_KEY = "p10_{}"
P10_SUBMIT_KEY = "p10_submit"

# Streamlit ignores shortcuts while a text field has the focus: Esc/Enter there blur it (after Streamlit has seen
# the key, so Enter still commits the text). P@10 keys click the toggles of a form (no rerun) and its submit
# button. Elements are looked up at each key press, so one listener serves every rerun and page.
_SCRIPT = """<script>
(() => {
  const cfg = %(config)s;
  const win = window, doc = document;
  if (win.__labelKeys) doc.removeEventListener("keydown", win.__labelKeys, true);
  const typing = (el) => el && (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
    (el.tagName === "INPUT" && !["checkbox", "radio", "button", "submit"].includes(el.type)));
  const inside = (key, sel) => doc.querySelector(".st-key-" + key + " " + sel);
  win.__labelKeys = (event) => {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(target)) {
      if (cfg.release.includes(event.key) && target.closest(".st-key-" + cfg.comment) && !event.shiftKey) {
        setTimeout(() => target.blur(), 0);
      }
      return;
    }
    if (event.repeat || !inside(cfg.submit, "button")) return;  // Precision@10 keys only on its page
    const n = cfg.p10.indexOf(event.key);
    if (n >= 0) {
      const toggle = inside(cfg.toggle.replace("{}", n), "input[type=checkbox]");
      if (toggle) { toggle.click(); event.preventDefault(); }
    } else if (event.key === cfg.enter) {
      inside(cfg.submit, "button").click();
      event.preventDefault();
    }
  };
  doc.addEventListener("keydown", win.__labelKeys, true);
})();
</script>"""


def key_script() -> str:
    """The page's key-binding script (the same text on every rerun, so Streamlit keeps it mounted)."""
    config = {"release": list(RELEASE_KEYS), "comment": COMMENT_KEY, "p10": P10_KEYS, "enter": SUBMIT_KEY,
              "toggle": P10_TOGGLE_KEY, "submit": P10_SUBMIT_KEY}
    return _SCRIPT % {"config": json.dumps(config)}


def p10_key(index: int) -> str:
    """The key that toggles result `index` (0-based) of a Precision@10 page."""
    if not 0 <= index < len(P10_KEYS):
        raise ValueError(f"a Precision@10 page has at most {len(P10_KEYS)} results; got result index {index}")
    return P10_KEYS[index]


def bind_keys() -> None:
    """Install the script in the page (st.html runs it in the page itself, not in an iframe)."""
    st.html(key_script(), unsafe_allow_javascript=True)
