"""Keep the app server's post-run garbage collection cheap: the long-lived heap moved out of the collector's reach.

Streamlit runs a full `gc.collect(2)` after every script run (its `runner.postScriptGC` option, on by default), on
the script's thread and holding the GIL, so that the server's event loop can neither send the run's messages nor
serve its images meanwhile. With the index, the catalog and the models loaded the heap holds about 700,000
objects the collector tracks, and each such collection took 0.4-0.8 s on 2 shared cores: more than the search
itself, after every rerun of every page (issue 17 part 4). `gc.freeze()` moves every object alive at that moment
into a permanent generation that collections skip; those objects are still freed by reference counting, only
reference cycles among them are never collected, which costs nothing for what lives as long as the process (the
SearchContext is cached once per server).
"""

from __future__ import annotations

import gc
import threading

_LOCK = threading.Lock()
_FROZEN: set[str] = set()


def freeze_once(tag: str) -> bool:
    """`gc.freeze()` the first time this process sees `tag` (e.g. after the SearchContext is loaded, and after the
    first search has loaded what searching loads lazily); True when it froze now. Cheap: freezing splices the
    collector's lists, it does not walk the heap."""
    with _LOCK:
        if tag in _FROZEN:
            return False
        _FROZEN.add(tag)
    gc.collect()  # the garbage there is now goes first: frozen, it would stay for the process's life
    gc.freeze()
    return True
