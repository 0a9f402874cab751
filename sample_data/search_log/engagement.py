"""Position-biased engagement: examination times attractiveness, then long clicks and saves."""

from __future__ import annotations

import numpy as np

EXAMINE_POWER = 0.7  # P(examine | position) = position ** -EXAMINE_POWER
ATTRACT_OFF_CATEGORY = 0.02
ATTRACT_BASE = 0.05  # right category, none of the other intent attributes
ATTRACT_GAIN = 0.4  # added in proportion to the share of other intent attributes matched
LONG_CLICK_BASE, LONG_CLICK_GAIN = 0.2, 0.5
SAVE_BASE, SAVE_GAIN = 0.04, 0.26


def engagement(relevance: np.ndarray, uniforms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Clicks, long clicks and saves for (searches, positions) relevance grades, given 3 uniforms each.

    P(click) = P(examine | position) x P(attractive | relevance), with examination decaying
    as position ** -EXAMINE_POWER; long clicks and saves follow clicks, more so when relevant.
    Relevance is -1 for the wrong category, else the share of the intent's other attributes matched.
    """
    position = np.arange(1, relevance.shape[1] + 1)
    examine = position[None, :] ** -EXAMINE_POWER
    on_topic = np.where(relevance < 0, 0.0, relevance)
    attract = np.where(relevance < 0, ATTRACT_OFF_CATEGORY, ATTRACT_BASE + ATTRACT_GAIN * on_topic)
    clicked = uniforms[0] < examine * attract
    long_click = clicked & (uniforms[1] < LONG_CLICK_BASE + LONG_CLICK_GAIN * on_topic)
    saved = clicked & (uniforms[2] < SAVE_BASE + SAVE_GAIN * on_topic)
    return clicked, long_click, saved
