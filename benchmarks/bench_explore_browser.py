"""What a user waits for on Explore: Search clicked -> the last result image of the grid shown, in a real browser.

    python benchmarks/bench_explore_browser.py --home /tmp/ws3000 --n 20
    python benchmarks/bench_explore_browser.py --home /tmp/ws3000 --tree /tmp/old_checkout --tree .   # before/after
    python benchmarks/bench_explore_browser.py --home /tmp/ws3000 --n 10 --profile /tmp/explore_profile

The real server (`workbench app --auth none`, a subprocess on a free port) serves a copy of --home; headless
Chromium (the e2e tests' Selenium helpers and browser flags) opens Explore and runs N queries: a new reference
item (typed and committed first, untimed: the reference's reading and suggestions), then the pivot text and a
Search click. The time is taken inside the page (performance.now()): from the click to the first moment from
which every image of the result grid is the new query's, loaded (complete, decoded size) and not marked stale;
the script's end (the page idle again) is reported too, and the page's main thread busy in long tasks (>= 50 ms:
React rendering, Markdown, layout; a lower bound) over the same span. The pipeline's own time for the same query
is the "total N ms" the page prints (the engine's timings, measured in the server, rounded to the ms). The aim of
issue 17: rendered within 1.5x the pipeline, at p50. The floor, measured in the same run: a trivial page's
button clicked -> its next run shown, through `streamlit run` with the app's server flags and the same browser.
--trace prints each query's script states, grid changes and websocket frames.

The server's own time of the same query is measured inside the real server (not AppTest): a sitecustomize module on
the server's PYTHONPATH (SCRIPT_RUN_HOOK; the app's code is not touched) logs each script run's exec and its
post-run cleanup (with Streamlit's gc.collect(2) apart). Both aims are printed: server run / pipeline and grid
shown / pipeline, at p50. --profile DIR profiles one untimed query per tree in the browser (the renderer's CPU
profile over CDP and a Chrome trace via chromedriver's perfLoggingPrefs), saved under DIR/<tree n>/ and summarised.

Each --tree is a checkout whose `workbench` and `engine` the server imports (its cwd and PYTHONPATH), so the code
before and after a change is measured in one run, under the same load. Needs /usr/bin/chromium and chromedriver.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # runnable from a checkout without installing; the e2e helpers live in tests/

AIM_RATIO = 1.5
TEXT = "in black"
TOTAL = re.compile(r"total (\d+) ms")
WINDOW = (1400, 3200)  # tall: the whole grid of k=20 (4 rows of 5) lies in the window, as a user scrolls to it

# In the page: click Search, then watch the DOM every 2 ms until the script is idle again with a grid of k loaded
# images; returns when the grid first showed its final images (all loaded, none stale) and when the script ended.
TIMED_SEARCH_JS = r"""
const [k, timeoutMs, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
const app = document.querySelector('[data-testid="stApp"]');
const main = document.querySelector('[data-testid="stMain"]');
function gridImages() {  // the images of the columns that hold a result's rank line ("#3 p000123 ...")
  return [...main.querySelectorAll('[data-testid="stColumn"]')]
    .filter(c => [...c.querySelectorAll('[data-testid="stMarkdownContainer"] p')]
      .some(p => /^#\d+\s/.test(p.textContent.trim())))
    .flatMap(c => [...c.querySelectorAll('img')]);
}
let ran = false;
const states = [];  // [ms since the click, the script's state]
const observer = new MutationObserver(() => {
  const state = app.getAttribute('data-test-script-state');
  states.push([performance.now() - t0, state]);
  if (state === 'running') ran = true;
});
observer.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
const changes = [];  // [ms since the click, the grid's image sources, all shown]
let busy = 0;  // the page's main thread busy in long tasks (>= 50 ms each: React rendering, Markdown, layout)
const longTasks = new PerformanceObserver(list => list.getEntries().forEach(e => { busy += e.duration; }));
longTasks.observe({type: 'longtask'});
const t0 = performance.now();
const clickEpochMs = performance.timeOrigin + t0;  // the server's script-run log is in epoch time
document.querySelector('.st-key-explore_search button').click();
(function poll() {
  const t = performance.now() - t0;
  const images = gridImages();
  const sources = images.map(i => i.src).join(' ');
  const shown = images.length === k && images.every(i => i.complete && i.naturalWidth > 0
                                                     && !i.closest('[data-stale="true"]'));
  const last = changes[changes.length - 1];
  if (!last || last[1] !== sources || last[2] !== shown) changes.push([t, sources, shown, images.length]);
  const idle = ran && app.getAttribute('data-test-script-state') === 'notRunning';
  if (idle && shown) {
    observer.disconnect();
    longTasks.disconnect();
    let first = changes.length - 1;  // back to the first moment of the final, fully shown grid
    while (first > 0 && changes[first - 1][1] === sources && changes[first - 1][2]) first--;
    done({grid_ms: changes[first][0], idle_ms: t, busy_ms: busy, images: images.length, states: states,
          click_epoch_ms: clickEpochMs,
          changes: changes.map(c => [Math.round(c[0]), c[3], c[2]])});
  } else if (t > timeoutMs) {
    observer.disconnect();
    done({error: `no grid of ${k} shown images after ${timeoutMs} ms (${images.length} found, ran=${ran})`});
  } else {
    setTimeout(poll, 2);
  }
})();
"""


# The floor: a trivial page's button clicked -> its rerun over (the round trip of any rerun through server and browser).
TRIVIAL_PAGE = ('import streamlit as st\n\nst.session_state["runs"] = st.session_state.get("runs", 0) + 1\n'
                'st.title("Trivial")\nst.button("Go", key="go")\nst.markdown(f"run {st.session_state.runs} done")\n')
TIMED_RERUN_JS = r"""
const done = arguments[arguments.length - 1];
const main = document.querySelector('[data-testid="stMain"]');
const runs = Number(main.textContent.match(/run (\d+) done/)[1]);
const t0 = performance.now();
document.querySelector('.st-key-go button').click();
(function poll() {  // the next run's line shown (the script state may skip "running" on so short a rerun)
  if (main.textContent.includes(`run ${runs + 1} done`)) done({ms: performance.now() - t0});
  else setTimeout(poll, 2);
})();
"""


# The server's own time of each script run, as Streamlit runs it: a sitecustomize module on the server's PYTHONPATH
# (both trees alike, nothing in the app changed) wraps the script's exec and the post-run cleanup (session state,
# media files, runner.postScriptGC's gc.collect(2)) and appends one JSON line per run, in epoch seconds.
SCRIPT_RUN_HOOK = r"""
import json, os, threading, time

_LOG = os.environ.get("BENCH_SCRIPT_RUNS")
if _LOG:
    from streamlit.runtime.scriptrunner import script_runner as _sr

    _exec, _finished, _local = _sr.exec_func_with_error_handling, _sr.ScriptRunner._on_script_finished, threading.local()

    def _timed_exec(func, ctx):
        _local.start = time.time()
        try:
            return _exec(func, ctx)
        finally:
            _local.exec_end = time.time()

    def _timed_finished(self, ctx, event, *args, **kwargs):
        try:
            return _finished(self, ctx, event, *args, **kwargs)
        finally:
            line = {"start": getattr(_local, "start", None), "exec_end": getattr(_local, "exec_end", None),
                    "done": time.time(), "gc_ms": getattr(_local, "gc_ms", 0.0),
                    "event": str(getattr(event, "name", event))}
            _local.gc_ms = 0.0
            with open(_LOG, "a") as log:
                log.write(json.dumps(line) + "\n")

    class _TimedGC:  # the post-run gc.collect(2) (runner.postScriptGC), timed apart
        def __getattr__(self, name):
            import gc
            return getattr(gc, name)

        def collect(self, *args):
            import gc
            started = time.time()
            try:
                return gc.collect(*args)
            finally:
                _local.gc_ms = 1000 * (time.time() - started)

    _sr.exec_func_with_error_handling = _timed_exec
    _sr.ScriptRunner._on_script_finished = _timed_finished
    _sr.gc = _TimedGC()
"""


def script_runs(log_path: Path) -> list[dict]:
    """The server's script runs so far (SCRIPT_RUN_HOOK's lines)."""
    import json

    if not log_path.is_file():
        return []
    return [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]


def percentiles(values) -> tuple[float, float]:
    """(p50, p95) of a list of milliseconds."""
    array = np.asarray(values, np.float64)
    return float(np.percentile(array, 50)), float(np.percentile(array, 95))


def reference_items(home: Path, count: int) -> list[str]:
    """Items the stored runs returned (products that have neighbours), as the AppTest benchmark picks them."""
    from labels import open_store

    with open_store(home / "judgments.duckdb", read_only=True) as store:
        items = sorted(set(store.run_results_frame()["item_id"]))
    if len(items) < count:
        raise SystemExit(f"error: {home} has {len(items)} items in stored runs, {count} needed; lower --n")
    return items[:count]


def start_server(tree: Path, home: Path, log_path: Path, page: Path | None = None, timeout: float = 180,
                 runs_log: Path | None = None):
    """`workbench app --auth none` importing `tree`'s code (or, with `page`, `streamlit run PAGE` with the app's
    server flags), waited on until /_stcore/health answers. With `runs_log`, the server appends each script run's
    times there (SCRIPT_RUN_HOOK)."""
    from tests.http_helpers import free_port, http_get
    from workbench.server import APP_PATH, streamlit_command

    port = free_port()
    env = dict(os.environ, WORKBENCH_HOME=str(home), PYTHONPATH=str(tree))
    if runs_log is not None:
        hook = runs_log.parent / f"{runs_log.stem}_hook"
        hook.mkdir(exist_ok=True)
        (hook / "sitecustomize.py").write_text(SCRIPT_RUN_HOOK)
        env.update(PYTHONPATH=f"{tree}{os.pathsep}{hook}", BENCH_SCRIPT_RUNS=str(runs_log))
    command = ([sys.executable, "-m", "workbench.cli", "app", "--auth", "none", "--port", str(port), "--home",
                str(home)] if page is None else
               [str(page) if c == str(APP_PATH) else c for c in streamlit_command(port, "127.0.0.1")])
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if http_get(f"{url}/_stcore/health") == "ok":
                return process, url
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise SystemExit(f"error: the app did not come up (exit {process.poll()}); its log:\n"
                     f"{log_path.read_text()[-3000:]}")


def stop(process) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def open_browser(trace: bool = False, profile: bool = False):
    """Headless Chromium as the e2e tests start it (tests/e2e/conftest.py), with a window tall enough for the grid."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from tests.e2e.conftest import CHROMEDRIVER, CHROMIUM

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never try to download a browser or driver
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                f"--window-size={WINDOW[0]},{WINDOW[1]}"):
        options.add_argument(arg)
    if trace or profile:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    if profile:  # chromedriver records a Chrome trace into the performance log
        options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": trace, "enablePage": False,
                                                             "traceCategories": TRACE_CATEGORIES})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_window_size(*WINDOW)
    driver.set_script_timeout(120)
    return driver


def websocket_frames(entries) -> str:
    """The server's side of a query as the browser's network layer saw it: the first frame sent (the rerun
    request) to the last received, in ms, with the count and size of the frames received (--trace only)."""
    import json

    sent, received = [], []
    for entry in entries:
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.webSocketFrameSent":
            sent.append(message["params"]["timestamp"])
        elif message["method"] == "Network.webSocketFrameReceived":
            received.append((message["params"]["timestamp"], len(message["params"]["response"]["payloadData"])))
    if not sent or not received:
        return "no frames"
    start = min(sent)
    return (f"last frame received {1000 * (max(t for t, _ in received) - start):.0f} ms after the request, "
            f"{len(received)} frames, {sum(b for _, b in received) / 1024:.0f} KiB; received at ms "
            f"{[round(1000 * (t - start)) for t, _ in received]}")


def pipeline_ms(driver) -> float:
    """The engine's total for the shown response, from the page's timings caption."""
    from tests.e2e import streamlit_page as page

    found = TOTAL.search(page.main_text(driver))
    if found is None:
        raise RuntimeError(f"no 'total N ms' on the page:\n{page.main_text(driver)[:2000]}")
    return float(found.group(1))


def server_run(runs_log: Path, before: int, click_epoch_ms: float, timeout: float = 10) -> dict:
    """The server's script run(s) that a click caused (the log's lines after the first `before`): their time from
    the exec's start to the post-run cleanup's end, and when they started and ended after the click (ms)."""
    deadline = time.monotonic() + timeout
    while len(runs := script_runs(runs_log)[before:]) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    if not runs:
        raise RuntimeError(f"the server logged no script run after the click ({runs_log})")
    return {"server_ms": sum(1000 * (r["done"] - r["start"]) for r in runs),
            "server_exec_ms": sum(1000 * (r["exec_end"] - r["start"]) for r in runs),
            "server_gc_ms": sum(r.get("gc_ms", 0.0) for r in runs),
            "server_start_ms": 1000 * runs[0]["start"] - click_epoch_ms,
            "server_end_ms": 1000 * runs[-1]["done"] - click_epoch_ms, "server_runs": len(runs)}


def timed_queries(driver, url: str, items: list[str], k: int, warm: int, trace: bool = False,
                  runs_log: Path | None = None, profile: Path | None = None) -> list[dict]:
    """Open Explore, set k, then one timed Search per reference item (the first `warm` not kept). With `runs_log`,
    each query also gets the server's own script-run time; with `profile`, the last warm query is profiled
    (the renderer's CPU profile and a Chrome trace, written there and summarised; needs warm >= 1)."""
    from tests.e2e import streamlit_page as page

    driver.get(url)
    page.settle(driver, timeout=300)
    page.open_page(driver, "Explore")
    page.settle(driver, timeout=300)  # the first Explore loads the index and the models
    page.type_into(driver, "explore_k", str(k))
    page.settle(driver)
    page.type_into(driver, "explore_text", TEXT)
    page.settle(driver)
    found = []
    for n, item in enumerate(items):
        page.type_into(driver, "explore_item", item)  # the reference is read and suggestions drawn: untimed
        page.settle(driver, quiet=0.3)
        profiled = profile is not None and n == warm - 1  # the last warm query: not among the timed ones
        if trace or profiled:
            driver.get_log("performance")  # drop what came before the click
        if profiled:
            driver.execute_cdp_cmd("Profiler.enable", {})
            driver.execute_cdp_cmd("Profiler.setSamplingInterval", {"interval": 200})  # microseconds
            driver.execute_cdp_cmd("Profiler.start", {})
        before = len(script_runs(runs_log)) if runs_log else 0
        timing = driver.execute_async_script(TIMED_SEARCH_JS, k, 60_000)
        if "error" in timing:
            raise RuntimeError(f"query {n} ({item}): {timing['error']}; the page shows:\n"
                               f"{page.main_text(driver)[:2000]}")
        if profiled:
            cpu = driver.execute_cdp_cmd("Profiler.stop", {})["profile"]
            events = trace_events(driver.get_log("performance"))
            write_profile(profile, cpu, events, timing)
        page.settle(driver, quiet=0.3)
        timing["pipeline_ms"] = pipeline_ms(driver)
        if runs_log:
            timing.update(server_run(runs_log, before, timing["click_epoch_ms"]))
        if trace:
            print(f"query {n} {item}: websocket {websocket_frames(driver.get_log('performance'))}", file=sys.stderr)
            print(f"query {n} {item}: pipeline {timing['pipeline_ms']:.0f} ms, grid {timing['grid_ms']:.0f} ms; "
                  f"script states {[(round(t), s) for t, s in timing['states']]}; grid (ms, images, shown) "
                  f"{timing['changes']}", file=sys.stderr)
        if n >= warm:
            found.append(timing)
    return found


# what DevTools' Performance panel records, less the per-IPC "toplevel" events: chromedriver keeps 100,000 entries
TRACE_CATEGORIES = "devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink.user_timing"


def trace_events(entries) -> list[dict]:
    """The Chrome trace events among chromedriver's performance log entries (perfLoggingPrefs.traceCategories)."""
    import json

    events = []
    for entry in entries:
        message = json.loads(entry["message"])
        if message.get("message", {}).get("method") == "Tracing.dataCollected":
            events.append(message["message"]["params"])
    return events


def cpu_summary(cpu: dict, top: int = 15) -> list[tuple[str, float]]:
    """A CPU profile's self time (ms) per script file (Streamlit's chunks are named by component) and function."""
    nodes = {node["id"]: node for node in cpu["nodes"]}
    by_file: dict[str, float] = {}
    by_function: dict[str, float] = {}
    samples, deltas = cpu.get("samples", []), cpu.get("timeDeltas", [])
    for i, node_id in enumerate(samples):  # the time to the next sample is this sample's
        ms = (deltas[i + 1] if i + 1 < len(deltas) else 0) / 1000
        frame = nodes[node_id]["callFrame"]
        name = frame["url"].rsplit("/", 1)[-1] or frame["functionName"] or "(anonymous)"
        by_file[name] = by_file.get(name, 0.0) + ms
        function = f"{frame['functionName'] or '(anonymous)'} {name}:{frame['lineNumber']}"
        by_function[function] = by_function.get(function, 0.0) + ms
    files = sorted(by_file.items(), key=lambda kv: -kv[1])[:top]
    functions = sorted(by_function.items(), key=lambda kv: -kv[1])[:top]
    return [("file " + f, ms) for f, ms in files] + [("function " + f, ms) for f, ms in functions]


def main_thread_summary(events: list[dict], start_us: float, end_us: float) -> tuple[dict, list]:
    """The renderer main thread between two trace timestamps: self time (ms) per event name, and its tasks
    (RunTask, ms) of 50 ms or more with their three largest children."""
    threads = {(e["pid"], e["tid"]) for e in events if e.get("name") == "thread_name"
               and e.get("args", {}).get("name") == "CrRendererMain"}
    if not threads:  # no thread names in the data: the thread that ran the page's script
        calls: dict[tuple, int] = {}
        for e in events:
            if e.get("name") == "FunctionCall":
                calls[(e.get("pid"), e.get("tid"))] = calls.get((e.get("pid"), e.get("tid")), 0) + 1
        threads = {max(calls, key=calls.get)} if calls else set()
    spans = sorted((e for e in events if (e.get("pid"), e.get("tid")) in threads and e.get("ph") == "X"
                    and start_us <= e["ts"] <= end_us and "dur" in e), key=lambda e: (e["ts"], -e["dur"]))
    self_ms: dict[str, float] = {}
    stack: list[list] = []  # [event, children's time]
    long_tasks = []

    def close(item):
        event, children = item
        self_ms[event["name"]] = self_ms.get(event["name"], 0.0) + (event["dur"] - children) / 1000

    for event in spans:
        while stack and stack[-1][0]["ts"] + stack[-1][0]["dur"] <= event["ts"]:
            close(stack.pop())
        if stack:
            stack[-1][1] += event["dur"]
        stack.append([event, 0.0])
        if event["name"] in ("RunTask", "ThreadControllerImpl::RunTask") and event["dur"] >= 50_000:
            inside = [e for e in spans if event["ts"] <= e["ts"] < event["ts"] + event["dur"] and e is not event]
            names: dict[str, float] = {}
            for e in inside:
                names[e["name"]] = names.get(e["name"], 0.0) + e["dur"] / 1000
            biggest = sorted(names.items(), key=lambda kv: -kv[1])[:4]
            long_tasks.append(((event["ts"] - start_us) / 1000, event["dur"] / 1000, biggest))
    while stack:
        close(stack.pop())
    return self_ms, long_tasks


def write_profile(folder: Path, cpu: dict, events: list[dict], timing: dict) -> None:
    """Save the profiled query's CPU profile (.cpuprofile, for DevTools) and trace (.json, for Perfetto or
    chrome://tracing), and print what they blame between the click and the grid shown."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "explore_query.cpuprofile").write_text(json.dumps(cpu))
    (folder / "explore_query_trace.json").write_text(json.dumps({"traceEvents": events}))
    print(f"profile of one query (grid shown at {timing['grid_ms']:.0f} ms, page idle at {timing['idle_ms']:.0f} ms, "
          f"long tasks {timing['busy_ms']:.0f} ms) written to {folder}", file=sys.stderr)
    print("renderer CPU profile, self time (ms), click -> idle:", file=sys.stderr)
    for name, ms in cpu_summary(cpu):
        print(f"  {ms:8.1f}  {name}", file=sys.stderr)
    clicks = [e["ts"] for e in events if e.get("name") == "EventDispatch" and e.get("args", {}).get("data", {})
              .get("type") == "click"]
    start = clicks[-1] if clicks else min((e["ts"] for e in events if "ts" in e), default=0)
    self_ms, long_tasks = main_thread_summary(events, start, start + 1000 * timing["idle_ms"] + 50_000)
    print("renderer main thread, self time per trace event (ms), click -> idle:", file=sys.stderr)
    for name, ms in sorted(self_ms.items(), key=lambda kv: -kv[1])[:15]:
        print(f"  {ms:8.1f}  {name}", file=sys.stderr)
    print("renderer main thread tasks of 50 ms or more (ms after the click, ms, largest events inside):",
          file=sys.stderr)
    for at, ms, biggest in long_tasks:
        print(f"  at {at:6.0f}: {ms:6.1f} ms  " + ", ".join(f"{n} {v:.0f}" for n, v in biggest), file=sys.stderr)


def measure(tree: Path, home: Path, items: list[str], k: int, warm: int, log_path: Path,
            trace: bool = False, profile: Path | None = None) -> list[dict]:
    runs_log = log_path.with_suffix(".runs.jsonl")
    process, url = start_server(tree, home, log_path, runs_log=runs_log)
    try:
        driver = open_browser(trace, profile is not None)
        try:
            return timed_queries(driver, url, items, k, warm, trace, runs_log, profile)
        finally:
            driver.quit()
    finally:
        stop(process)


def measure_floor(folder: Path, n: int) -> list[float]:
    """Milliseconds of n reruns of a trivial page (a button), clicked in the browser, after 2 warm ones."""
    page = folder / "trivial.py"
    page.write_text(TRIVIAL_PAGE)
    process, url = start_server(ROOT, folder, folder / "trivial.log", page=page)
    try:
        driver = open_browser()
        try:
            from tests.e2e import streamlit_page

            driver.get(url)
            streamlit_page.keyed(driver, "go")
            streamlit_page.settle(driver)
            times = []
            for _ in range(n + 2):
                times.append(driver.execute_async_script(TIMED_RERUN_JS)["ms"])
                streamlit_page.settle(driver, quiet=0.2)
            return times[2:]
        finally:
            driver.quit()
    finally:
        stop(process)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="an indexed workspace with stored runs (copied first)")
    parser.add_argument("--n", type=int, default=20, help="timed queries per tree")
    parser.add_argument("--k", type=int, default=20, help="results per query (the page's default is 20)")
    parser.add_argument("--warm", type=int, default=2, help="queries run first and not timed")
    parser.add_argument("--tree", action="append", default=None,
                        help="a checkout whose code the server runs (repeatable; default: this one)")
    parser.add_argument("--trace", action="store_true", help="print each query's script states and grid changes")
    parser.add_argument("--profile", default=None, metavar="DIR",
                        help="profile the last warm (untimed) query of each tree in the browser: a CPU profile and a Chrome "
                             "trace written under DIR/<n>/ and summarised on stderr")
    parser.add_argument("--no-floor", action="store_true", help="skip the trivial page's floor")
    args = parser.parse_args(argv)
    trees = [Path(t).resolve() for t in (args.tree or [ROOT])]
    for tree in trees:
        if not (tree / "workbench" / "app.py").is_file():
            print(f"error: --tree {tree} is not a checkout (no workbench/app.py)", file=sys.stderr)
            return 2

    folder = Path(tempfile.mkdtemp(prefix="bench_explore_browser_"))
    rows = []
    try:
        home = folder / "ws"
        shutil.copytree(args.home, home, ignore=shutil.ignore_patterns("runs", "uploads"))
        items = reference_items(home, args.n + args.warm)
        floor = [] if args.no_floor else measure_floor(folder, args.n)
        for n, tree in enumerate(trees):
            profile = Path(args.profile) / str(n) if args.profile else None
            found = measure(tree, home, items, args.k, args.warm, folder / f"server{n}.log", args.trace, profile)
            rows.append((tree, found))
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print(f"cpu_count={os.cpu_count()}, load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f} at the end; n={args.n} timed queries per tree (after {args.warm} warm), "
          f"k={args.k}, text {TEXT!r}, a new reference item each; headless Chromium {WINDOW[0]}x{WINDOW[1]}")
    print("| server code | pipeline total p50 / p95 ms | server script run p50 / p95 ms | grid shown p50 / p95 ms "
          "| page idle p50 / p95 ms | browser long tasks p50 ms | server run / pipeline (p50s) "
          "| grid shown / pipeline (p50s) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    if floor:
        f50, f95 = percentiles(floor)
        print(f"| floor: a trivial page's rerun (click -> idle) | - | - | - | {f50:.0f} / {f95:.0f} | - | - | - |")
    aims, splits = [], []
    for tree, found in rows:
        grid, idle, busy, pipe, server = ([f[what] for f in found] for what in
                                          ("grid_ms", "idle_ms", "busy_ms", "pipeline_ms", "server_ms"))
        (g50, g95), (i50, i95), (p50, p95), (s50, s95) = map(percentiles, (grid, idle, pipe, server))
        print(f"| {tree} | {p50:.0f} / {p95:.0f} | {s50:.0f} / {s95:.0f} | {g50:.0f} / {g95:.0f} "
              f"| {i50:.0f} / {i95:.0f} | {np.median(busy):.0f} | {s50 / p50:.2f}x | {g50 / p50:.2f}x |")
        for what, ratio in (("server render", s50 / p50), ("shown in browser", g50 / p50)):
            aims.append(f"aim Explore {what} / pipeline, p50 ({tree}): {ratio:.2f}x (aim <= {AIM_RATIO:g}x) "
                        f"{'met' if ratio <= AIM_RATIO else 'NOT met'}")
        parts = {what: np.median([f[what] for f in found]) for what in
                 ("server_start_ms", "server_exec_ms", "server_gc_ms", "server_ms", "server_end_ms", "grid_ms")}
        runs = sorted({f["server_runs"] for f in found})
        splits.append(f"{tree}: p50s after the click: the script starts {parts['server_start_ms']:.0f} ms, its exec "
                      f"takes {parts['server_exec_ms']:.0f} ms, the run with its cleanup {parts['server_ms']:.0f} ms (of which the "
                      f"post-run gc.collect {parts['server_gc_ms']:.0f} ms), "
                      f"ends {parts['server_end_ms']:.0f} ms; the grid is shown {parts['grid_ms']:.0f} ms "
                      f"({parts['grid_ms'] - parts['server_end_ms']:.0f} ms after the run's end); script runs per "
                      f"click {runs}")
    print()
    for line in (*splits, *aims):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
