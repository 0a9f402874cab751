"""App server time (p50, p95): a label submitted to the next task rendered, and an Explore query rendered.

    python benchmarks/bench_app_speed.py --home /tmp/ws3000
    python benchmarks/bench_app_speed.py --home /tmp/ws3000 --items-home /tmp/ws100k   # also at 100,000 items
    python benchmarks/bench_app_speed.py --home /tmp/ws3000 --grid both   # Explore's grid before issue 17 part 4 too

Measured through streamlit.testing.v1.AppTest: the time of one script rerun on the server (the callback that
stores the label, the next task's query, the page's render), without the browser's network and paint. The
baseline, measured in the same run, is an AppTest rerun of a trivial page (the floor of any Streamlit rerun).
The Explore query is also compared with the pipeline's own time for the same kind of query (the default config,
k=20, other reference items so that no cache is shared), and the issue-17 aims are printed: label -> next task
p95 <= 100 ms, Explore rendered within 1.5x the pipeline.

Labeling writes, so --home is copied first into a temporary folder; a rater `bench-rater` is added and a
graded task pool over the home's first query set and configs is built with a large overlap (its tasks are
reused, so the new rater is served them). For --items-home (a bigger workspace with only `lancedb` and
`catalog`, like /tmp/ws100k), a workspace is made whose `lancedb` and `catalog` link to it (read-only) and
whose judgment store is a copy of the prepared one: the tasks' items are in the bigger table too (its first
rows are the home's), so both measurements run at both sizes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

PAGES = Path(__file__).resolve().parents[1] / "workbench" / "app_pages"
RATER = "bench-rater"
ADMIN = "bench-admin"
EXPLORE_TEXT = "in black"
EXPLORE_K = 20
AIM_LABEL_P95_MS = 100.0
AIM_EXPLORE_RATIO = 1.5
TRIVIAL_PAGE = 'import streamlit as st\n\nst.title("Trivial")\nst.button("Go", key="go")\n'


def percentiles(values) -> tuple[float, float]:
    """(p50, p95) of a list of milliseconds."""
    array = np.asarray(values, np.float64)
    return float(np.percentile(array, 50)), float(np.percentile(array, 95))


def prepare_store(root: Path) -> int:
    """Add the bench rater and a graded pool with a large overlap over the first query set; returns open tasks."""
    from labels import open_store

    with open_store(root / "judgments.duckdb") as store:
        # with secrets: a page re-reads its signed-in rater from the store, and one without a secret cannot sign in
        store.add_rater(RATER, "Bench Rater", role="rater", password="bench-secret", exist_ok=True)
        store.add_rater(ADMIN, "Bench Admin", role="admin", password="bench-secret", exist_ok=True)
        query_set = store.query_sets()[0].name
        configs = sorted({c.name for c in store.configs()})
        store.build_task_pool(query_set, configs, k=10, overlap=1000, mode="graded", seed=11)
        return store.rater_progress(RATER, mode="graded").open


def linked_workspace(target: Path, big: Path, store_from: Path) -> Path:
    """A workspace at `target` whose lancedb and catalog link to `big`, with a copy of the prepared store."""
    target.mkdir(parents=True)
    for folder in ("catalog", "lancedb"):
        (target / folder).symlink_to(big / folder, target_is_directory=True)
    shutil.copyfile(store_from / "judgments.duckdb", target / "judgments.duckdb")
    return target


def _rater_session(at):
    from labels import Rater

    at.session_state["signed_in_rater"] = Rater(RATER, "Bench Rater", "rater", False, None)
    return at


def timed_runs(at, before_each, n: int) -> list[float]:
    """Milliseconds of `n` reruns of `at`, calling `before_each(i)` (a click, an input) before each."""
    times = []
    for i in range(n):
        before_each(i)
        started = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - started) * 1000)
        if at.exception:
            raise RuntimeError(f"the page raised: {at.exception[0].value}")
    return times


def bench_trivial(n: int, folder: Path) -> list[float]:
    from streamlit.testing.v1 import AppTest

    page = folder / "trivial.py"
    page.write_text(TRIVIAL_PAGE)
    at = AppTest.from_file(str(page), default_timeout=60).run()
    return timed_runs(at, lambda i: at.button(key="go").click(), n)


def bench_label(n: int) -> list[float]:
    from streamlit.testing.v1 import AppTest

    at = _rater_session(AppTest.from_file(str(PAGES / "label.py"), default_timeout=60)).run()
    if at.exception or not at.button:
        shown = [e.value for e in (*at.exception, *at.info, *at.warning, *at.error)]
        raise RuntimeError(f"the Label page shows no task for the bench rater: {shown}")

    def click(i):
        at.button(key=f"label_{i % 5}").click()

    timed_runs(at, click, 2)  # warm: caches of the first tasks' items and images
    return timed_runs(at, click, n)


def legacy_result_grid(response, workspace, items: dict, *, key: str, columns: int = 5, highlight=(),
                       blind: bool = False) -> None:
    """The result grid before issue 17 part 4 (kept to measure against, --grid both): st.image of the file's path,
    four Markdown elements per result, and a caption, a Markdown and a caption in each Score expander."""
    import streamlit as st

    from engine.external import has_breakdown
    from workbench import ui_results as ui

    results = list(response.results)
    rerank = getattr(response.config, "rerank", None)
    for start in range(0, len(results), columns):
        for column, result in zip(st.columns(columns), results[start:start + columns]):
            with column:
                path = items.get(result.item_id, {}).get("image_path")
                if path:
                    st.image(str(workspace.root / path), width="stretch")
                if blind:
                    continue
                shared = f" {ui.SHARED_BADGE}" if result.item_id in highlight else ""
                st.markdown(f"**#{result.rank}** `{result.item_id}`{shared}")
                st.markdown(ui.catalog_chips(items.get(result.item_id, {}).get("attributes") or {}), help=ui.CHIPS_HELP)
                st.markdown(ui.reading_chips(result))
                st.markdown(ui.cg_badges(result.sources) + (" :violet-badge[filled]" if result.filled else ""))
                with st.expander("Score"):
                    st.caption(ui.rank_line(result), help=ui.RANK_BEFORE_HELP)
                    if rerank is not None and has_breakdown(result):
                        st.markdown(ui.breakdown_markdown(result, rerank.weights))
                    else:
                        st.markdown(ui.NO_BREAKDOWN_NOTE + f"  \nscore **{result.score:.4g}**")
                    st.caption("Retrieved by:  \n" + ui.sources_markdown(result.sources))


def bench_explore(n: int, item_ids: list[str], grids: tuple[str, ...] = ("now",)) -> dict[str, list[float]]:
    """Milliseconds of Explore reruns that search and render, per grid ("now": ui_results.result_grid, "before":
    legacy_result_grid); with both, each query runs on each grid in turn (same query, same load)."""
    from streamlit.testing.v1 import AppTest

    from labels import Rater
    from workbench import ui_results

    current = ui_results.result_grid
    functions = {"now": current, "before": legacy_result_grid}
    apps = {}
    for grid in grids:
        at = AppTest.from_file(str(PAGES / "explore.py"), default_timeout=120)
        at.session_state["signed_in_rater"] = Rater(ADMIN, "Bench Admin", "admin", False, None)
        apps[grid] = at.run()

    times: dict[str, list[float]] = {grid: [] for grid in grids}
    try:
        for i in range(n + 2):  # 2 warm: models, the first queries
            for grid, at in apps.items():
                ui_results.result_grid = functions[grid]
                at.text_input(key="explore_item").input(item_ids[i % len(item_ids)])
                at.run()  # the reference is read (understanding's suggestions): not part of the query's time
                at.text_input(key="explore_text").input(EXPLORE_TEXT)
                at.button(key="explore_search").click()
                timed = timed_runs(at, lambda _: None, 1)
                if i >= 2:
                    times[grid] += timed
    finally:
        ui_results.result_grid = current
    return times


def bench_pipeline(home: Path, n: int, item_ids: list[str]) -> list[float]:
    """Milliseconds of the search alone (workbench.search_state.run_search, as Explore calls it)."""
    from engine.pipeline.config import DEFAULT_CONFIG
    from engine.records import Query
    from engine.workspace import Workspace
    from workbench import search_state

    workspace = Workspace(home)

    def query(i):
        return Query(text=EXPLORE_TEXT, item_id=item_ids[i % len(item_ids)])

    for i in range(2):  # warm, as the Explore measurement is
        search_state.run_search(workspace, query(i), DEFAULT_CONFIG, EXPLORE_K)
    times = []
    for i in range(2, n + 2):
        started = time.perf_counter()
        search_state.run_search(workspace, query(i), DEFAULT_CONFIG, EXPLORE_K)
        times.append((time.perf_counter() - started) * 1000)
    return times


def measure(home: Path, n: int, grids: tuple[str, ...] = ("now",)) -> dict:
    """Label and Explore timings over one workspace (WORKBENCH_HOME set to it; caches are per workspace root)."""
    from engine.pipeline.context import SearchContext
    from engine.workspace import Workspace
    from labels import open_store
    from workbench import search_state

    os.environ["WORKBENCH_HOME"] = str(home)
    os.environ["WORKBENCH_AUTH"] = "password"
    context = SearchContext.open(Workspace(home))
    search_state.preload(context)
    with open_store(home / "judgments.duckdb", read_only=True) as store:
        items = sorted(set(store.run_results_frame()["item_id"]))
    explore_items, pipeline_items = items[: n + 2], items[n + 2: 2 * n + 4]
    explore = bench_explore(n, explore_items, grids)
    return {"label": bench_label(n), **{f"explore_{grid}": times for grid, times in explore.items()},
            "pipeline": bench_pipeline(home, n, pipeline_items or explore_items), "items": len(context.items)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="an indexed workspace with query sets, runs and a store")
    parser.add_argument("--items-home", default=None, help="a bigger workspace (lancedb + catalog) to measure too")
    parser.add_argument("--n", type=int, default=30, help="timed repetitions of each measurement")
    parser.add_argument("--grid", choices=("now", "both"), default="now",
                        help="Explore's result grid: the current one, or also the one before issue 17 part 4 "
                             "(the same queries on each in turn)")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="bench_app_speed_"))
    try:
        small = folder / "small"
        shutil.copytree(args.home, small, ignore=shutil.ignore_patterns("runs", "uploads"))
        n_open = prepare_store(small)
        if n_open < args.n + 4:
            print(f"error: only {n_open} open tasks for the bench rater; lower --n", file=sys.stderr)
            return 2
        homes = [small]
        if args.items_home:
            homes.append(linked_workspace(folder / "big", Path(args.items_home).resolve(), small))
        trivial = bench_trivial(args.n, folder)
        floor50, floor95 = percentiles(trivial)
        rows = [("trivial page (floor)", "-", floor50, floor95)]
        aims = []
        grids = ("before", "now") if args.grid == "both" else ("now",)
        names = {"label": "label → next task",
                 **{f"explore_{grid}": f"Explore query rendered (k={EXPLORE_K})"
                    + (f", grid {grid}" if len(grids) > 1 else "") for grid in grids},
                 "pipeline": f"the same query's search alone (k={EXPLORE_K})"}
        for home in homes:
            found = measure(home, args.n, grids)
            measured = {what: percentiles(found[what]) for what in names}
            for what, (p50, p95) in measured.items():
                rows.append((names[what], f"{found['items']:,}", p50, p95))
            label95 = measured["label"][1]
            ratio = measured["explore_now"][0] / measured["pipeline"][0]
            aims.append(f"aim label → next task p95 at {found['items']:,} items: {label95:.1f} ms (aim <= "
                        f"{AIM_LABEL_P95_MS:g} ms) {'met' if label95 <= AIM_LABEL_P95_MS else 'NOT met'}")
            aims.append(f"aim Explore rendered / search alone, p50 at {found['items']:,} items: {ratio:.2f}x (aim <= "
                        f"{AIM_EXPLORE_RATIO:g}x) {'met' if ratio <= AIM_EXPLORE_RATIO else 'NOT met'}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    import torch

    print(f"cpu_count={os.cpu_count()}, torch threads={torch.get_num_threads()}, n={args.n} timed reruns each "
          "(after 2 warm ones), AppTest server time of one rerun")
    print("| measurement | items | p50 ms | p95 ms | p50 / floor p50 |")
    print("|---|---:|---:|---:|---:|")
    for name, items, p50, p95 in rows:
        print(f"| {name} | {items} | {p50:.1f} | {p95:.1f} | {p50 / floor50:.1f}x |")
    print()
    for line in aims:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
