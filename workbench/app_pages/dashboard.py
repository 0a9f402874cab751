"""Dashboard: metrics per config and query type, rater agreement, label distributions, coverage, downloads."""

import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

from engine.pipeline.requirements import ENGAGEMENT, RELEVANCE, checkpoint_path, has_model
from eval import (DEFAULT_MEASURES, aggregate_judgments, build_report, fleiss_kappa, gold_accuracy,
                  krippendorff_alpha, pairwise_cohen_kappa, rater_bias, write_qrels, write_run)
from workbench import access, search_state, state

RESAMPLES = 1000



@st.cache_data(show_spinner="Computing the metrics…", max_entries=8)
def _report(_runs, _judgments, state_key: tuple, configs: tuple):
    """build_report, once per store state: a rerun (any widget) must not redo thousands of resamples.
    state_key (store path, judgment and run row counts, mode) changes whenever a label or run is added."""
    return build_report(_runs, _judgments, configs=list(configs), measures=list(DEFAULT_MEASURES),
                        resamples=RESAMPLES)


user = access.require("researcher")
ws = state.workspace()
store = state.store()
st.title("Dashboard")

judgments_all = store.judgments_frame()
runs_all = store.run_results_frame()
if judgments_all.empty and runs_all.empty:
    st.info("The judgment store is empty: no runs and no judgments yet. Run `workbench demo` for a populated "
            "sample, or record runs of a query set (Admin), build a task pool and label it (Label); the metrics, "
            "agreement and downloads appear here then.")
    st.stop()


def _temp_bytes(write) -> bytes:
    """What a TREC writer (eval.write_qrels / eval.write_run, as the CLI uses them) puts in a file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.txt"
        write(path)
        return path.read_bytes()


c1, c2, c3, c4 = st.columns(4)
c1.metric("judgments", len(judgments_all))
c2.metric("raters", judgments_all["rater_id"].nunique())
c3.metric("judged queries", judgments_all["query_id"].nunique())
c4.metric("configs with runs", runs_all["config_name"].nunique())

modes = sorted(judgments_all["mode"].unique()) or ["graded"]
mode = st.selectbox("Labels", modes, key="dashboard_mode")
judgments = judgments_all[judgments_all["mode"] == mode]
configs = sorted(runs_all["config_name"].unique())

# ---- metrics per config and query type --------------------------------------------------------------------
st.subheader("Metrics per config and query type")
report = None
if not configs:
    st.info("No runs yet: record runs of the configs over a query set to see metrics.")
elif judgments.empty:
    st.info(f"No {mode} judgments yet: label some results to see metrics.")
else:
    try:
        state_key = (str(ws.judgments_path), store.count_rows("judgments"), store.count_rows("runs"), mode)
        report = _report(runs_all, judgments, state_key, tuple(configs))
    except ValueError as exc:
        st.warning(str(exc))
if report is not None:
    rows = [{"config": s.config, "query type": s.group, "queries": s.n_queries, **s.means, **s.coverage}
            for s in report.summaries]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="dashboard_metrics")
    coverage_names = list(report.summaries[0].coverage)
    st.caption("Judged coverage: " + "; ".join(
        f"{s.config} {name} {s.coverage[name]:.0%}" for s in report.summaries if s.group == "all"
        for name in coverage_names))
    if any(report.skipped.values()):
        st.caption("Queries in runs without any judgment (not evaluated): "
                   + ", ".join(f"{c} {n}" for c, n in report.skipped.items()))

# ---- raters ----------------------------------------------------------------------------------------------------
st.subheader("Raters")
if judgments.empty:
    st.info(f"No {mode} judgments yet.")
else:
    per_rater = judgments.groupby("rater_id").agg(
        judgments=("label", "size"), mean_label=("label", "mean"), median_seconds=("seconds_spent", "median"),
        simulated=("simulated", "first")).reset_index()
    bias = rater_bias(judgments)
    per_rater = per_rater.merge(bias, on="rater_id", how="left") if "rater_id" in bias.columns else per_rater
    gold = store.gold_frame()
    accuracy = gold_accuracy(gold[gold["mode"] == mode])
    if len(accuracy) and "rater_id" in accuracy.columns:
        per_rater = per_rater.merge(accuracy, on="rater_id", how="left", suffixes=("", " (gold)"))
    st.dataframe(per_rater, hide_index=True, key="dashboard_raters")
    fleiss, alpha = fleiss_kappa(judgments), krippendorff_alpha(judgments)
    a1, a2 = st.columns(2)
    a1.metric("Fleiss' kappa", "n/a" if math.isnan(fleiss) else f"{fleiss:.3f}")
    a2.metric("Krippendorff's alpha (ordinal)", "n/a" if math.isnan(alpha) else f"{alpha:.3f}")
    pairs = pairwise_cohen_kappa(judgments)
    if len(pairs):
        with st.expander("Quadratic-weighted Cohen's kappa per pair of raters"):
            st.dataframe(pairs, hide_index=True, key="dashboard_pairs")
    distribution = judgments.groupby(["rater_id", "label"]).size().rename("judgments").reset_index()
    st.plotly_chart(px.bar(distribution, x="label", y="judgments", color="rater_id", barmode="group",
                           title=f"{mode} label distribution per rater"), key="dashboard_label_chart")

# ---- the relevance model against the raters ---------------------------------------------------------------------
st.subheader("Relevance model against the raters")
if mode != "graded" or judgments.empty:
    st.caption("The relevance model predicts graded labels; choose graded judgments to compare it with raters.")
elif not has_model(ws, RELEVANCE):
    st.caption("No relevance model in this workspace yet (`workbench train relevance`).")
else:
    st.caption("Per rater: quadratic-weighted kappa of the distilled relevance model's grade against the rater's "
               "labels, beside the rater's kappa against the other raters of the same pairs (the ceiling). "
               "The model never fills in a label; it can only order a labeling queue.")
    if st.button("Compute model-versus-rater agreement", key="dashboard_model_agreement"):
        from engine.models.relevance.agreement import model_rater_agreement, student_predictor

        with st.spinner("Scoring the judged pairs with the relevance model…"):
            context = search_state.search_context(ws)
            st.session_state["dashboard_model_table"] = model_rater_agreement(
                store, ws, predict=student_predictor(ws, store, context=context))
    if (table := st.session_state.get("dashboard_model_table")) is not None:
        st.dataframe(table, hide_index=True, key="dashboard_model_raters")

# ---- the engagement model's calibration --------------------------------------------------------------------------
if has_model(ws, ENGAGEMENT):
    from engine.models.engagement.calibration import reliability_of_checkpoint, reliability_plot

    st.subheader("Engagement model calibration")
    table = reliability_of_checkpoint(checkpoint_path(ws, ENGAGEMENT))
    if table:
        st.plotly_chart(reliability_plot(table), key="dashboard_engagement_reliability")
        st.caption("Held-out searches of the log (the latest 15%): mean predicted P(long click or save | examined) "
                   "per bin against the observed rate, corrected for position bias by inverse propensity weights.")
    else:
        st.caption("This engagement model was saved without its reliability table; retrain it "
                   "(`workbench train engagement`) to see it here.")

# ---- downloads ---------------------------------------------------------------------------------------------------
st.subheader("Downloads")
d1, d2, d3 = st.columns(3)
with d1:
    if judgments.empty:
        st.caption(f"No {mode} judgments to export as qrels.")
    else:
        aggregate = st.selectbox("Raters → one label", ["majority", "mean", "median"], key="dashboard_aggregate")
        grades = aggregate_judgments(judgments, aggregate)
        qrels = grades.assign(doc_id=grades["item_id"], relevance=np.floor(grades["grade"] + 0.5).astype(np.int64))
        st.download_button("TREC qrels", _temp_bytes(lambda p: write_qrels(p, qrels[["query_id", "doc_id", "relevance"]])),
                           file_name=f"{mode}.qrels", key="dashboard_download_qrels")
with d2:
    if not configs:
        st.caption("No runs to export.")
    else:
        run_config = st.selectbox("Run of config", configs, key="dashboard_run_config")
        run = runs_all[runs_all["config_name"] == run_config].rename(columns={"item_id": "doc_id"})
        st.download_button("TREC run", _temp_bytes(lambda p: write_run(p, run[["query_id", "doc_id", "rank", "score"]],
                                                                        tag=run_config)),
                           file_name=f"{run_config}.run", key="dashboard_download_run")
with d3:
    st.download_button("Judgments CSV", judgments_all.to_csv(index=False).encode(), file_name="judgments.csv",
                       key="dashboard_download_judgments")
    if report is not None:
        st.download_button("Per-query metrics CSV", report.per_query.to_csv(index=False).encode(),
                           file_name="per_query_metrics.csv", key="dashboard_download_metrics")
