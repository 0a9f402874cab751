"""Compare: two configs on one query side by side, over a query set (metrics with CIs), and blind preferences."""

import random
import time

import pandas as pd
import plotly.express as px
import streamlit as st

from engine.records import Query
from eval import DEFAULT_MEASURES, SIGNIFICANT, ReportRequest, comparison_frame, known_measures, report_from_store
from eval.overlap import overlap_at_k, rank_biased_overlap, shared_items
from labels.preferences import blind_sides, preference_tally
from workbench import access, search_state, state, ui_results
from workbench.config_hash_names import config_names_by_hash, named_tally
from workbench.search_warm_up import WARM_UP_NOTE, warm_up

ALL_QUERIES = "(all queries)"
GRID_COLUMNS = 3
MODES = ("graded", "binary")

user = access.require("researcher")
ws = state.workspace()
store = state.store()
st.title("Compare")
names = search_state.config_names(ws, store)


def _titles(ws, item_ids) -> dict[str, str]:
    """item_id -> title ("" when the catalog has none), from the process's catalog rows (label_state)."""
    from workbench.label_state import items_by_id

    try:
        items = items_by_id(str(ws.root), tuple(i for i in item_ids if i))
    except (FileNotFoundError, ValueError):
        return {}
    return {item_id: item.title or "" for item_id, item in items.items()}


def _default(options: list[str], preferred: str, fallback: int) -> int:
    return options.index(preferred) if preferred in options else min(fallback, max(len(options) - 1, 0))


def _context():
    try:
        return search_state.search_context(ws)
    except (FileNotFoundError, ValueError) as exc:
        st.info(f"No searchable index in `{ws.root}` yet ({exc}); run `workbench index` to compare live results.")
        return None


@st.cache_data(show_spinner="Computing the comparison…", max_entries=16)
def _report(_store, request: ReportRequest, state_key: tuple):
    """report_from_store, the call `workbench eval report` makes, with its defaults (resamples, seed); once per
    store state (state_key: store path and judgment and run row counts), so a widget rerun does not redo it."""
    return report_from_store(_store, request)


def _query_label(record) -> str:
    reference = record.image_item_id or (record.image_path and "upload") or "no image"
    return f"{record.query_id} · {record.query_type} · {record.text or ''} · {reference}"


one_query, query_set_tab, blind_tab = st.tabs(["One query", "Query set", "Blind side-by-side"])

# ---- one query, two configs ---------------------------------------------------------------------------------
with one_query:
    sets = [s.name for s in store.query_sets()]
    source = st.radio("Query", ["Item and text", "A stored query"], horizontal=True, key="compare_q_source")
    query = record = None
    if source == "A stored query":
        if not sets:
            st.info("No query sets yet: send queries from Explore, or make a set on the Admin page.")
        else:
            chosen_set = st.selectbox("Query set", sets, key="compare_q_set")
            records = {r.query_id: r for r in store.queries(chosen_set)}
            if records:
                qid = st.selectbox("Query", list(records), format_func=lambda q: _query_label(records[q]),
                                   key="compare_q_id")
                record = records[qid]
                query = search_state.query_from_record(record)
    else:
        c1, c2 = st.columns(2)
        item = c1.text_input("Reference item id (optional)", key="compare_q_item").strip() or None
        text = c2.text_input("Text: descriptor, pivot or plain text", key="compare_q_text")
        if item or text.strip():
            query = Query(text=text, item_id=item)
    c1, c2, c3, c4 = st.columns([2, 2, 1, 1])
    config_a = c1.selectbox("Config A", names, index=_default(names, "baseline", 0), key="compare_cfg_a")
    config_b = c2.selectbox("Config B", names, key="compare_cfg_b",
                            index=search_state.default_config(ws, names, ("full", "full_standins"), 1))
    k = int(c3.number_input("k", 1, 100, 10, key="compare_k"))
    inputs = (query, record and record.query_id, config_a, config_b, k)
    if st.session_state.get("compare_pair_inputs") != inputs:  # results of other inputs are not shown as these
        st.session_state.pop("compare_pair", None)
    if c4.button("Compare", type="primary", key="compare_run", disabled=query is None, width="stretch"):
        try:
            with st.spinner("Warming up, then searching…"):
                warm_up(ws, store, query, [config_a, config_b], k, record)
                st.session_state["compare_pair"] = tuple(search_state.response_for(ws, store, query, name, k, record)
                                                         for name in (config_a, config_b))
            st.session_state["compare_pair_inputs"] = inputs
        except (FileNotFoundError, ValueError) as exc:
            st.session_state.pop("compare_pair", None)
            st.error(str(exc))
    pair = st.session_state.get("compare_pair")
    if pair is None and st.session_state.get("compare_pair_inputs") not in (None, inputs):
        st.caption("The query, configs or k changed: press Compare for results of these inputs.")
    if pair is not None:
        context = _context()
        reference = query.item_id and context is not None and context.items.get(query.item_id, {}).get("image_path")
        titles = _titles(ws, [query.item_id, *(r.item_id for response in pair for r in response.results)])
        r1, r2 = st.columns([1, 5])
        if reference:
            r1.image(str(ws.root / reference), width="stretch", caption=f"reference {query.item_id}")
        elif query.image_path:
            r1.image(query.image_path, width="stretch", caption="uploaded reference")
        else:
            r1.caption("no reference image")
        r2.markdown(f"**Query:** {query.text or '(no text)'}"
                    + (f" · reference `{query.item_id}` {titles.get(query.item_id, '')}" if query.item_id else ""))
        left, right = ui_results.rankings(pair)
        depth = max(len(left), len(right), 1)
        shared = shared_items(left, right, depth)
        m1, m2, m3 = st.columns(3)
        m1.metric(f"overlap@{depth}", f"{overlap_at_k(left, right, depth):.2f}")
        m2.metric("rank-biased overlap (p=0.9)", f"{rank_biased_overlap(left, right):.3f}")
        m3.metric("shared items", len(shared))
        r2.markdown(ui_results.understood_caption(pair[0]))
        r2.caption(WARM_UP_NOTE)
        for column, response, side in zip(st.columns(2), pair, "ab"):
            with column:
                st.subheader(f"{response.config.name}")
                st.caption(ui_results.timings_caption(response.timings_ms))
                if notes := ui_results.notices_caption(response):
                    st.caption(notes)
                st.dataframe(pd.DataFrame([{"rank": r.rank, "item": r.item_id, "title": titles.get(r.item_id, ""),
                                            "shared": r.item_id in shared} for r in response.results]),
                             hide_index=True, key=f"compare_titles_{side}")
                if context is not None:
                    ui_results.result_grid(response, ws, context.items, key=f"compare_grid_{side}",
                                           columns=GRID_COLUMNS, highlight=shared)

# ---- over a query set: metrics from the judgments ------------------------------------------------------------
with query_set_tab:
    run_configs = list(dict.fromkeys(c.name for c in store.configs()))
    if len(run_configs) < 2:
        st.info("Comparing over a query set needs stored runs of two configs and judgments of their results: "
                "record runs (`workbench demo`, or the Admin page) and label them. "
                f"Configs with runs: {', '.join(run_configs) or 'none'}.")
    else:
        sets = [s.name for s in store.query_sets()]
        c1, c2, c3 = st.columns(3)
        chosen_set = c1.selectbox("Query set", [ALL_QUERIES, *sets], key="compare_set")
        baseline = c2.selectbox("Baseline", run_configs, index=_default(run_configs, "baseline", 0), key="compare_set_a")
        candidate = c3.selectbox("Candidate", run_configs, index=_default(run_configs, "full", 1), key="compare_set_b")
        measures = st.multiselect("Measures", list(DEFAULT_MEASURES), default=list(DEFAULT_MEASURES),
                                  key="compare_measures", accept_new_options=True,
                                  help=f"type others in their text form; known: {known_measures()}")
        c1, c2 = st.columns(2)
        mode = c1.selectbox("Labels", MODES, key="compare_mode",
                            help="graded (0-4) or binary (0/1) judgments; the two scales never mix")
        level = int(c2.number_input("Relevant from grade", 0, 4, 3, key="compare_level", disabled=mode == "binary",
                                    help="graded labels >= this count relevant for P, R, map and recip_rank "
                                    "(binary labels: 1 is relevant)"))
        query_set = None if chosen_set == ALL_QUERIES else chosen_set
        report = None
        if baseline == candidate:
            st.warning("Pick two different configs.")
        elif not measures:
            st.warning("Pick at least one measure.")
        else:
            request = ReportRequest((baseline, candidate), query_set, tuple(measures), mode, relevance_level=level)
            state_key = (str(ws.judgments_path), store.count_rows("judgments"), store.count_rows("runs"))
            try:
                report = _report(store, request, state_key)
            except ValueError as exc:
                st.info(f"{exc}. Judgments come from a task pool (Admin) labelled on the Label page.")
        if report is not None:
            method = report.method
            st.caption(f"{method.interval()}  \n{method.test()}  \n{method.correction()}  \n{method.threshold()}  \n"
                       f"Same numbers as `workbench eval report --configs {baseline},{candidate} --mode {mode} "
                       f"--relevance-level {level}" + (f" --query-set {query_set}" if query_set else "") + "`.")
            st.dataframe(comparison_frame(report), hide_index=True, key="compare_metric_table",
                         column_config={
                             "CI low": st.column_config.NumberColumn(format="%.4f", help=method.interval()),
                             "CI high": st.column_config.NumberColumn(format="%.4f", help=method.interval()),
                             "p-value": st.column_config.NumberColumn(format="%.4f", help=method.test()),
                             "p (Holm)": st.column_config.NumberColumn(format="%.4f", help=method.correction()),
                             SIGNIFICANT: st.column_config.CheckboxColumn(help=method.correction())})
            for warning in report.warnings:
                st.caption(f"⚠ {warning}")
            per_query = report.per_query
            chart_measure = st.selectbox("Chart measure", list(report.measures), key="compare_chart_measure")
            wide = per_query.pivot_table(index="query_id", columns="config", values=chart_measure).dropna()
            if len(wide) and {baseline, candidate} <= set(wide.columns):
                deltas = (wide[candidate] - wide[baseline]).sort_values().rename("delta").reset_index()
                st.plotly_chart(px.bar(deltas, x="query_id", y="delta",
                                       title=f"{chart_measure}: {candidate} − {baseline} per query"),
                                key="compare_delta_chart")
            st.plotly_chart(px.box(per_query, x="config", y=chart_measure, points="all",
                                   title=f"{chart_measure} per query"), key="compare_dist_chart")

        st.subheader("Latency per stage")
        st.caption("Stored runs keep no timings: run up to N of the set's queries through both configs here.")
        c1, c2 = st.columns([1, 3])
        n = int(c1.number_input("N queries", 1, 200, 10, key="compare_latency_n"))
        if c2.button("Time both configs", key="compare_latency_run"):
            records = ([r for s in ([query_set] if query_set else sets) for r in store.queries(s)])[:n]
            try:
                if records:
                    warm_up(ws, store, search_state.query_from_record(records[0]), [baseline, candidate], 10,
                            records[0])
                timed = search_state.time_queries(ws, [(r.query_id, search_state.query_from_record(r)) for r in records],
                                                  [baseline, candidate], 10)
                st.session_state["compare_latency"] = pd.DataFrame(timed)
            except (FileNotFoundError, ValueError) as exc:
                st.error(str(exc))
        latency = st.session_state.get("compare_latency")
        if latency is not None and len(latency):
            summary = latency.groupby(["config", "stage"], sort=False)["ms"].quantile([0.5, 0.95]).unstack()
            summary.columns = ["p50 ms", "p95 ms"]
            st.dataframe(summary.reset_index(), hide_index=True, key="compare_latency_table")
            st.caption(WARM_UP_NOTE)

# ---- blind side-by-side preferences ---------------------------------------------------------------------------
with blind_tab:
    st.caption("Two unlabeled result lists for one stored query, in random left/right order: pick the better one.")
    sets = [s.name for s in store.query_sets()]
    if not sets:
        st.info("No query sets yet: send queries from Explore, or make a set on the Admin page.")
    else:
        c1, c2, c3 = st.columns(3)
        blind_set = c1.selectbox("Query set", sets, key="compare_blind_set")
        blind_a = c2.selectbox("Config 1", names, index=_default(names, "baseline", 0), key="compare_blind_a")
        blind_b = c3.selectbox("Config 2", names, key="compare_blind_b",
                           index=search_state.default_config(ws, names, ("full", "full_standins"), 1))
        if st.button("Next query", key="compare_blind_next"):
            records = store.queries(blind_set)
            rng = st.session_state.setdefault("compare_blind_rng", random.Random())
            if not records:
                st.warning(f"Query set {blind_set} has no queries.")
            else:
                record = rng.choice(records)
                try:
                    first, second = blind_sides(blind_a, blind_b, rng)
                    shown = [search_state.response_for(ws, store, search_state.query_from_record(record), name,
                                                       10, record) for name in (first, second)]
                    st.session_state["compare_blind"] = {"query": record, "responses": shown, "started": time.monotonic()}
                except (FileNotFoundError, ValueError) as exc:
                    st.session_state.pop("compare_blind", None)
                    st.error(str(exc))
        blind = st.session_state.get("compare_blind")
        if blind is not None:
            context = _context()
            record = blind["query"]
            st.markdown(f"**Query:** {record.text or '(no text)'}"
                        + (f" · reference `{record.image_item_id}`" if record.image_item_id else ""))
            if record.image_item_id and context is not None and record.image_item_id in context.items:
                st.image(str(ws.root / context.items[record.image_item_id]["image_path"]), width=160)
            for column, response, side in zip(st.columns(2), blind["responses"], ("Left", "Right")):
                with column:
                    st.subheader(side)
                    if context is not None:
                        ui_results.result_grid(response, ws, context.items, key=f"compare_blind_{side.lower()}",
                                               columns=GRID_COLUMNS, blind=True)
            choice = None
            b1, b2, b3 = st.columns(3)
            if b1.button("Left is better", key="compare_pref_left", width="stretch"):
                choice = "left"
            if b2.button("Tie", key="compare_pref_tie", width="stretch"):
                choice = "tie"
            if b3.button("Right is better", key="compare_pref_right", width="stretch"):
                choice = "right"
            if choice is not None:
                rater = access.check("researcher")
                left_response, right_response = blind["responses"]
                try:
                    store.record_preference(record.query_id, rater.rater_id, left_response.config.content_hash(),
                                            right_response.config.content_hash(), choice,
                                            time.monotonic() - blind["started"])
                except ValueError as exc:
                    st.error(str(exc))
                else:
                    st.session_state.pop("compare_blind")
                    st.success(f"Stored: {choice}. Press “Next query” for another.")
        preferences = store.preferences_frame()
        if len(preferences):
            tally = named_tally(preference_tally(preferences), config_names_by_hash(ws, store, names))
            st.dataframe(tally, hide_index=True, key="compare_pref_tally")
