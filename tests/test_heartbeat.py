"""The demo's heartbeat: lines while a step runs, none after it ends."""

import threading

from workbench.heartbeat import heartbeat


def test_a_long_step_says_it_is_still_running_and_stops_when_done():
    lines, step_done = [], threading.Event()
    with heartbeat("training the x model", every_s=0.01, say=lines.append):
        while len(lines) < 3:  # the step "runs" until three beats were said
            step_done.wait(0.01)
    after = len(lines)
    step_done.wait(0.05)
    assert after >= 3 and len(lines) == after  # nothing once the block ended
    assert lines[0].startswith("[demo] still training the x model (") and lines[0].endswith(" s)")


def test_a_short_step_says_nothing():
    lines = []
    with heartbeat("indexing", every_s=60, say=lines.append):
        pass
    assert lines == []
