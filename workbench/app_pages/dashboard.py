"""Dashboard: metrics per config and query type, raters (agreement, gold, comments), blind preferences, downloads."""

import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

from engine.pipeline.requirements import ENGAGEMENT, RELEVANCE, checkpoint_path, has_model
from eval import (ReportRequest, aggregate_judgments, fleiss_kappa, krippendorff_alpha, pairwise_cohen_kappa,
                  rater_comments, rater_table, report_from_store, write_qrels, write_run)
from labels.preferences import preference_tally
from workbench import access, search_state, state, ui_results
from workbench.config_hash_names import config_names_by_hash, named_preferences, named_tally


@st.cache_data(show_spinner="Computing the metrics…", max_entries=8)
def _report(_store, request: ReportRequest, state_key: tuple):
    """report_from_store (as Compare and `eval report`), once per store state: a rerun (any widget) must not redo
    it. state_key (store path, judgment and run row counts) changes whenever a label or run is added."""
    return report_from_store(_store, request)


user = access.require("researcher")
ws = state.workspace()
store = state.store()
st.title("Dashboard")

judgments_with_gold = store.judgments_frame(include_gold=True)  # the CSV export and the rater table keep gold
judgments_all = judgments_with_gold[~judgments_with_gold["gold"].astype(bool)]
runs_all = store.run_results_frame()
if judgments_with_gold.empty and runs_all.empty:
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
c2.metric("raters", judgments_with_gold["rater_id"].nunique())  # gold checks too
c3.metric("judged queries", judgments_all["query_id"].nunique())
c4.metric("configs with runs", runs_all["config_name"].nunique())

modes = sorted(judgments_with_gold["mode"].unique()) or ["graded"]
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
        state_key = (str(ws.judgments_path), store.count_rows("judgments"), store.count_rows("runs"))
        report = _report(store, ReportRequest(tuple(configs), mode=mode), state_key)
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
mode_judgments = judgments_with_gold[judgments_with_gold["mode"] == mode]
gold = store.gold_frame()
gold = gold[gold["mode"] == mode]
if mode_judgments.empty and gold.empty:
    st.info(f"No {mode} judgments yet.")
else:
    st.dataframe(rater_table(mode_judgments, gold), hide_index=True, key="dashboard_raters")
    st.caption("judgments, mean_label and bias (own label minus the others' mean on shared results) count ordinary "
               "tasks; gold_judgments, n_gold, accuracy and mean_abs_error count gold checks; comments counts both.")
    comments = rater_comments(mode_judgments)
    with st.expander(f"Rater comments ({len(comments)})", expanded=bool(len(comments))):
        if len(comments):
            st.dataframe(comments, hide_index=True, key="dashboard_comments")
        else:
            st.caption(f"No comments on {mode} judgments yet; raters add them in the comment box of the Label page.")
if not judgments.empty:
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

# ---- blind side-by-side preferences -----------------------------------------------------------------------------
st.subheader("Blind side-by-side preferences")
preferences = store.preferences_frame()
config_by_hash = config_names_by_hash(ws, store, search_state.config_names(ws, store)) if len(preferences) else {}
if preferences.empty:
    st.caption("No blind preferences yet: researchers record them on Compare's “Blind side-by-side” tab.")
else:
    st.dataframe(named_tally(preference_tally(preferences), config_by_hash), hide_index=True,
                 key="dashboard_pref_tally")
    st.caption(f"{len(preferences)} preferences by {preferences['rater_id'].nunique()} raters over "
               f"{preferences['query_id'].nunique()} queries; win_rate = (wins + ties / 2) / comparisons.")

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

        from engine.models.relevance.judge_agreement import relevance_judge_entry

        with st.spinner("Scoring the judged pairs with the relevance model…"):
            context = search_state.search_context(ws)
            predict = student_predictor(ws, store, context=context)
            st.session_state["dashboard_model_table"] = model_rater_agreement(store, ws, predict=predict)
            st.session_state["dashboard_judge"] = relevance_judge_entry(ws, store.judgments_frame(mode="graded"),
                                                                        predict)
    if (judge := st.session_state.get("dashboard_judge")) is not None:
        st.markdown(ui_results.judge_line(judge))
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
    st.download_button("Judgments CSV", judgments_with_gold.to_csv(index=False).encode(), file_name="judgments.csv",
                       key="dashboard_download_judgments",
                       help="every mode's latest judgment per task and rater, gold checks included (column gold), "
                       "with the rater's comment")
    if len(preferences):
        st.download_button("Preferences CSV", named_preferences(preferences, config_by_hash).to_csv(index=False).encode(),
                           file_name="preferences.csv", key="dashboard_download_preferences")
    if report is not None:
        st.download_button("Per-query metrics CSV", report.per_query.to_csv(index=False).encode(),
                           file_name="per_query_metrics.csv", key="dashboard_download_metrics")
