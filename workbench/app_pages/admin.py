"""Admin: raters (add, change role, reset secret, remove), query sets (a JSONL upload, a template to start from),
runs of configs over a query set, task pools (build, keep to chosen raters, their progress, the model as judge),
and the workspace's attribute vocabulary (values with item counts; merge, rename, drop a value, add a surface
form). Writes run in callbacks, so that the tables drawn after them are current; each one checks the admin role
again."""

from collections.abc import Callable
from dataclasses import asdict

import pandas as pd
import streamlit as st

from engine.pipeline.requirements import RELEVANCE, has_model
from labels import MODES
from workbench import access, model_judge, rater_admin, search_state, state
from workbench.admin_runs import run_configs, runnable_configs
from workbench.query_template import TEMPLATE_FILE, example_item, query_template
from workbench.query_upload import FIELDS, parse_query_jsonl

MODE_NAMES = {"graded": "Graded (0–4)", "binary": "Precision@10 (relevant or not)"}  # as the Label page says

user = access.require("admin")
ws = state.workspace()
store = state.store()


def _write(form: str, action: Callable[[], str]) -> None:
    """Run one admin write (a callback) and keep its outcome for `_outcome(form)` to show."""
    try:
        access.check("admin")
        st.session_state[f"{form}_outcome"] = ("success", action())
    except (access.AccessDenied, ValueError) as exc:
        st.session_state[f"{form}_outcome"] = ("error", str(exc))


def _current_choice(key: str, options: list, default=None) -> None:
    """Replace a selectbox's or multiselect's kept value that is no longer valid (None or [] kept from before the
    first query set, run or pool existed; an option since gone) by `default` (a selectbox: the first option)."""
    if key not in st.session_state:
        return
    kept = st.session_state[key]
    if isinstance(kept, list):
        if not kept or any(k not in options for k in kept):
            st.session_state[key] = list(default or [])
    elif kept not in options:
        st.session_state[key] = options[0] if options else None


def _outcome(form: str) -> None:
    kind, text = st.session_state.pop(f"{form}_outcome", (None, None))
    if kind:
        getattr(st, kind)(text)


def _add_rater() -> str:
    values = st.session_state
    added = store.add_rater(values.admin_rater_id.strip(), values.admin_rater_name.strip(), role=values.admin_rater_role,
                            password=access.check_secret(values.admin_rater_secret))
    for key in ("admin_rater_id", "admin_rater_name", "admin_rater_secret"):  # cleared on success only
        values[key] = ""
    return f"Added {added.rater_id} ({added.role}); they can sign in now."


def _change_role() -> str:
    changed = rater_admin.change_role(store, access.check("admin"), st.session_state.admin_role_rater,
                                      st.session_state.admin_role_new)
    return f"{changed.rater_id} is now {changed.role}; it applies from their next sign-in."


def _reset_secret() -> str:
    rater = rater_admin.reset_secret(store, st.session_state.admin_reset_rater, st.session_state.admin_reset_secret)
    st.session_state.admin_reset_secret = ""
    return f"{rater.rater_id} has a new secret; the old one no longer signs in. Tell them the new one."


def _remove_rater() -> str:
    if not st.session_state.admin_remove_confirm:
        raise ValueError("tick the box to confirm the removal")
    rater = rater_admin.remove(store, access.check("admin"), st.session_state.admin_remove_rater)
    st.session_state.admin_remove_confirm = False
    return f"Removed {rater.rater_id}: they can no longer sign in or get tasks; their judgments stay."


def _keep_pool() -> str:
    values = st.session_state
    if values.admin_keep_pool is None:
        raise ValueError("there is no task pool yet; build one below")
    kept = store.keep_pool_to(int(values.admin_keep_pool), values.admin_keep_raters)
    return (f"Pool {values.admin_keep_pool} is offered only to {', '.join(kept)}." if kept
            else f"Pool {values.admin_keep_pool} is offered to every rater.")


def _build_pool() -> str:
    values = st.session_state
    if values.admin_pool_set is None:
        raise ValueError("there is no query set yet; create one in the Query sets tab")
    priority = None
    if values.admin_pool_prerank and has_model(ws, RELEVANCE):
        from engine.models.relevance.agreement import student_predictor
        from engine.models.relevance.prerank import pool_priority

        predict = student_predictor(ws, store, context=search_state.search_context(ws))
        priority = pool_priority(store, values.admin_pool_set, values.admin_pool_configs, int(values.admin_pool_k),
                                 predict)
    report = store.build_task_pool(values.admin_pool_set, values.admin_pool_configs, k=int(values.admin_pool_k),
                                   overlap=int(values.admin_pool_overlap), gold_rate=float(values.admin_pool_gold),
                                   mode=values.admin_pool_mode, seed=int(values.admin_pool_seed), priority=priority)
    values["admin_pool_report"] = asdict(report)
    return (f"Pool {report.pool_id}: {report.n_tasks} tasks ({report.n_new_tasks} new) "
            f"and {report.n_gold} gold over {report.n_queries} queries.")


def _grade_pool() -> str:
    try:
        grades = model_judge.grade_pool(ws, store, int(st.session_state.admin_judge_pool),
                                        context=search_state.search_context(ws))
    except FileNotFoundError as exc:  # no index or no model: say what to run
        raise ValueError(str(exc)) from None
    st.session_state["admin_judge_grades"] = grades
    return f"Pool {grades.pool_id}: the model graded {len(grades.pairs)} pairs."


def _apply_gate() -> str:
    grades = st.session_state.get("admin_judge_grades")
    if grades is None or grades.pool_id != st.session_state.admin_judge_pool:
        raise ValueError("grade the pool with the model first")
    return model_judge.apply_gate(store, grades, float(st.session_state.admin_judge_threshold)).summary()


st.title("Admin")
raters_tab, sets_tab, runs_tab, pool_tab, vocab_tab = st.tabs(["Raters", "Query sets", "Runs", "Task pools",
                                                               "Vocabulary"])

with raters_tab:
    st.dataframe(pd.DataFrame(rater_admin.rater_rows(store)), hide_index=True, key="admin_raters_table")
    with st.form("admin_add_rater"):
        st.markdown("**Add a rater**")
        st.text_input("Rater id (what they sign in with)", key="admin_rater_id")
        st.text_input("Name", key="admin_rater_name")
        st.selectbox("Role", access.ROLES, key="admin_rater_role")
        st.text_input(f"Secret (at least {access.MIN_SECRET_CHARS} characters)", type="password", key="admin_rater_secret")
        st.form_submit_button("Add rater", key="admin_rater_submit", on_click=_write, args=("admin_add_rater", _add_rater))
    _outcome("admin_add_rater")

    manageable = rater_admin.manageable_ids(store)
    role_column, secret_column, remove_column = st.columns(3)
    with role_column.form("admin_role"):
        st.markdown("**Change a role**")
        st.selectbox("Rater", manageable, key="admin_role_rater")
        st.selectbox("New role", access.ROLES, key="admin_role_new")
        st.form_submit_button("Change role", key="admin_role_submit", on_click=_write, args=("admin_role", _change_role))
    with secret_column.form("admin_reset"):
        st.markdown("**Reset a secret**")
        st.selectbox("Rater", manageable, key="admin_reset_rater")
        st.text_input(f"New secret (at least {access.MIN_SECRET_CHARS} characters)", type="password",
                      key="admin_reset_secret")
        st.form_submit_button("Reset secret", key="admin_reset_submit", on_click=_write,
                              args=("admin_reset", _reset_secret))
    with remove_column.form("admin_remove"):
        st.markdown("**Remove a rater**")
        st.selectbox("Rater", manageable, key="admin_remove_rater")
        st.checkbox("They can no longer sign in or get tasks; their judgments stay", key="admin_remove_confirm")
        st.form_submit_button("Remove rater", key="admin_remove_submit", on_click=_write,
                              args=("admin_remove", _remove_rater))
    for form in ("admin_role", "admin_reset", "admin_remove"):
        _outcome(form)

with sets_tab:
    sets = store.query_sets()
    st.dataframe(
        pd.DataFrame([{"name": s.name, "description": s.description, "queries": len(store.queries(s.name))} for s in sets]),
        hide_index=True, key="admin_sets_table",
    )
    st.download_button("Download a query-set template (.jsonl)", query_template(example_item(ws)),
                       file_name=TEMPLATE_FILE, mime="application/jsonl", key="admin_qs_template",
                       help="One query of each type, in the lines `workbench eval export-queries` writes; "
                       "edit it and upload it below.")
    with st.form("admin_add_query_set", clear_on_submit=False):
        st.markdown("**Create a query set from a file** (JSONL, one query a line; fields: " + ", ".join(FIELDS)
                    + ", or those of the template)")
        set_name = st.text_input("Query set name", key="admin_qs_name")
        description = st.text_input("Description", key="admin_qs_description")
        upload = st.file_uploader("Queries (.jsonl)", type=["jsonl", "json", "txt"], key="admin_qs_file")
        if st.form_submit_button("Create query set", key="admin_qs_submit"):
            try:
                access.check("admin")
                if upload is None:
                    raise ValueError("choose a JSONL file of queries to upload")
                if not set_name.strip():
                    raise ValueError("give the query set a name")
                records = parse_query_jsonl(upload.getvalue().decode("utf-8"), set_name.strip(), source=upload.name)
                store.add_query_set(set_name.strip(), description.strip(), exist_ok=True)
                added = store.add_queries(records)
                st.success(f"Query set {set_name.strip()!r}: {added} new queries ({len(records) - added} already stored).")
            except UnicodeDecodeError:
                st.error(f"{upload.name} is not UTF-8 text; save it as UTF-8 JSONL")
            except (access.AccessDenied, ValueError) as exc:
                st.error(str(exc))

with runs_tab:
    from labels.inbox import inbox_dir, pending_batches

    if waiting := pending_batches(ws.judgments_path):
        st.info(f"{len(waiting)} batch(es) of runs from `workbench eval run` are waiting in the store's inbox; "
                "this app applies them within seconds.")
    if failed := sorted((inbox_dir(ws.judgments_path) / "failed").glob("*.error")):
        st.warning(f"{len(failed)} queued batch(es) were refused by the store; each reason is in "
                   f"`{failed[0].parent}` beside the batch: " + failed[-1].read_text().strip())
    st.caption("`workbench eval run` works while this app serves: its runs are queued in the store's inbox and "
               "applied here.")
    runnable = runnable_configs(ws)
    with st.form("admin_runs"):
        st.markdown("**Run configs over a query set** (each query's top k is stored as a run, ready to pool)")
        run_sets = [s.name for s in store.query_sets()]
        _current_choice("admin_runs_set", run_sets)
        run_set = st.selectbox("Query set", run_sets, key="admin_runs_set")
        run_names = st.multiselect("Configs", runnable, default=[n for n in ("baseline",) if n in runnable],
                                   key="admin_runs_configs")
        run_k = st.number_input("Results stored per query (k)", min_value=1, max_value=1000, value=10, key="admin_runs_k")
        if st.form_submit_button("Run", key="admin_runs_submit"):
            bar = st.progress(0.0, text="Loading the models…")
            try:
                access.check("admin")
                if run_set is None:
                    raise ValueError("there is no query set yet; create one in the Query sets tab")
                report = run_configs(ws, store, run_set, run_names, k=int(run_k),
                                     progress=lambda done, total: bar.progress(done / total,
                                                                               text=f"{done} of {total} searches"))
                (st.warning if report.failed else st.success)(report.summary())
            except (access.AccessDenied, ValueError, FileNotFoundError, ConnectionError) as exc:
                bar.empty()
                st.error(str(exc))

with pool_tab:
    progress = store.pool_progress()
    if progress.empty:
        st.info("No task pool yet: build one below.")
    else:
        st.dataframe(
            pd.DataFrame({"pool": progress.pool_id, "query set": progress.query_set, "configs": progress.config_names,
                          "raters": progress.raters.replace("", "everyone"),
                          "mode": progress["mode"].map(MODE_NAMES), "k": progress.k, "overlap": progress.overlap,
                          "tasks judged": progress.tasks_done, "tasks": progress.tasks,
                          "judgments": progress.judgments, "wanted": progress.judgments_wanted,
                          "progress": progress.judgments / progress.judgments_wanted.clip(lower=1),
                          "gold": progress.gold_tasks}),
            hide_index=True, key="admin_pools_table",
            column_config={"progress": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent"),
                           "tasks judged": st.column_config.NumberColumn(help="tasks with their overlap of raters")},
        )
    if not progress.empty:
        with st.form("admin_keep_pool"):
            st.markdown("**Keep a pool to chosen raters** (none chosen: every rater who is not removed gets its tasks)")
            pool_col, raters_col = st.columns([1, 3])
            _current_choice("admin_keep_pool", progress.pool_id.tolist())
            pool_col.selectbox("Pool", progress.pool_id.tolist(), key="admin_keep_pool")
            raters_col.multiselect("Raters", [r.rater_id for r in store.raters()
                                              if r.rater_id not in store.removed_raters()], key="admin_keep_raters")
            st.form_submit_button("Keep to these raters", key="admin_keep_submit", on_click=_write,
                                  args=("admin_keep_pool", _keep_pool))
        _outcome("admin_keep_pool")
    config_names = sorted({c.name for c in store.configs()})
    set_names = [s.name for s in store.query_sets()]
    if not config_names or not set_names:
        st.info("A task pool needs a query set and runs of at least one config over it (the Runs tab makes them).")
    with st.form("admin_build_pool"):
        st.markdown("**Build a task pool** (blind: raters never see the configs, ranks or scores)")
        _current_choice("admin_pool_set", set_names)
        st.selectbox("Query set", set_names, key="admin_pool_set")
        _current_choice("admin_pool_configs", config_names, config_names[:2])
        st.multiselect("Configs", config_names, default=config_names[:2], key="admin_pool_configs")
        k_col, overlap_col, gold_col = st.columns(3)
        k_col.number_input("Depth k", min_value=1, max_value=1000, value=10, key="admin_pool_k")
        overlap_col.number_input("Overlap (raters per task)", min_value=1, max_value=50, value=3, key="admin_pool_overlap")
        gold_col.number_input("Gold rate", min_value=0.0, max_value=0.9, value=0.0, step=0.05, key="admin_pool_gold")
        mode_col, seed_col = st.columns(2)
        mode_col.selectbox("Mode", MODES, format_func=MODE_NAMES.get, key="admin_pool_mode")
        seed_col.number_input("Seed", min_value=0, value=0, key="admin_pool_seed")
        relevance_model = has_model(ws, RELEVANCE)
        st.checkbox("Pre-rank the queue with the relevance model (likely relevant first)",
                    key="admin_pool_prerank", disabled=not relevance_model,
                    help="Orders which task raters get first; never fills in a label."
                    + ("" if relevance_model else " Train the model first: `workbench train relevance`."))
        st.form_submit_button("Build task pool", key="admin_pool_submit", on_click=_write,
                              args=("admin_build_pool", _build_pool))
    _outcome("admin_build_pool")
    if report := st.session_state.pop("admin_pool_report", None):
        st.json(report)

    st.markdown("**Model as judge** (the relevance model judges the pairs it is sure of, as its own rater "
                f"`{model_judge.JUDGE}`, kept apart from people's judgments; the other pairs stay for people)")
    graded_pools = progress.pool_id[progress["mode"] == "graded"].tolist() if not progress.empty else []
    if not has_model(ws, RELEVANCE):
        st.info("Train the relevance model first: `workbench train relevance`.")
    elif not graded_pools:
        st.info("The model judges graded pools: build one above.")
    else:
        _current_choice("admin_judge_pool", graded_pools)
        judge_pool = st.selectbox("Pool", graded_pools, key="admin_judge_pool")
        threshold = st.slider("Threshold (calibrated confidence of the model's grade)", 0.0, 1.0, 0.9, 0.01,
                              key="admin_judge_threshold")
        st.button("Grade the pool with the model", key="admin_judge_grade", on_click=_write,
                  args=("admin_judge", _grade_pool))
        _outcome("admin_judge")
        grades = st.session_state.get("admin_judge_grades")
        if grades is not None and grades.pool_id == judge_pool:
            row = grades.table([threshold])[0]
            saved_col, open_col, pairs_col = st.columns(3)
            saved_col.metric("Human judgments saved", row.judgments_saved, help="of the pool's plan: pairs x overlap")
            open_col.metric("Not made yet", row.open_judgments_saved)
            pairs_col.metric("Pairs the model judges", f"{row.model_pairs} of {row.model_pairs + row.human_pairs}")
            st.caption(f"Agreement it costs: {model_judge.agreement_text(row)} (model against the people's "
                       "lower-median label, on queries it did not train on).")
            st.button(f"Let the model judge {row.model_pairs} pairs", key="admin_judge_apply", on_click=_write,
                      args=("admin_judge_apply", _apply_gate), disabled=row.model_pairs == 0)
        _outcome("admin_judge_apply")

with vocab_tab:
    from engine.vocabulary import (EDITS, VocabularyError, apply_edit, load_workspace_vocabulary, refresh_after_edit,
                                   vocabulary_overview)

    overview = vocabulary_overview(ws)
    if overview["hash"] is None:
        st.info(overview["message"])
    else:
        st.caption(f"`{overview['path']}` · hash `{overview['hash']}` · source {overview['source'] or 'unknown'} · "
                   f"product type {overview['product_type'] or 'none'}")
        for stale in overview["stale"]:
            st.warning(stale["message"])
        names = [f["name"] for f in overview["families"]]
        family_name = st.selectbox("Family", names, key="admin_vocab_family")
        family = next(f for f in overview["families"] if f["name"] == family_name)
        sources = overview["item_count_sources"]
        st.dataframe(pd.DataFrame([{"value": v["name"], **{f"items ({s})": v["items"][s] for s in sources},
                                    "surface forms": ", ".join(v["forms"])} for v in family["values"]]),
                     hide_index=True, key="admin_vocab_values")
        if not sources:
            st.caption("No item counts yet: no item carries these families (ingest attribute columns or tag items).")
        with st.form("admin_vocab_edit"):
            st.markdown("**Edit a value** (merge into another value, rename it, drop it, or add a surface form)")
            edit = st.selectbox("Edit", EDITS, key="admin_vocab_action")
            value = st.selectbox("Value", [v["name"] for v in family["values"]], key="admin_vocab_value")
            other = st.text_input("Into value (merge) · new name (rename) · surface form (add-form)",
                                  key="admin_vocab_other")
            if st.form_submit_button("Apply", key="admin_vocab_submit"):
                try:
                    access.check("admin")
                    before = load_workspace_vocabulary(ws.root)
                    args = (value,) if edit == "drop" else (value, other.strip())
                    after = apply_edit(before, edit, family_name, *args)
                    from workbench.vocabulary_saving import save_vocabulary

                    save_vocabulary(ws, after)
                    st.success(f"{edit} {family_name} = {value!r}: vocabulary hash is now {after.hash}.")
                    refresh = refresh_after_edit(before, after)
                    if refresh:
                        st.markdown("Refresh the stages made with the old vocabulary:\n"
                                    + "\n".join(f"- {stage}: `{command}`" for stage, command in refresh))
                except (access.AccessDenied, VocabularyError) as exc:
                    st.error(str(exc))
