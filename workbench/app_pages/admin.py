"""Admin: raters and their roles, query sets (from a JSONL upload), task pools over the configs' runs, and the
workspace's attribute vocabulary (values with item counts; merge, rename, drop a value, add a surface form)."""

from dataclasses import asdict

import pandas as pd
import streamlit as st

from engine.pipeline.requirements import RELEVANCE, has_model
from labels import MODES
from workbench import access, search_state, state
from workbench.query_upload import FIELDS, parse_query_jsonl

user = access.require("admin")
ws = state.workspace()
store = state.store()

st.title("Admin")
raters_tab, sets_tab, pool_tab, vocab_tab = st.tabs(["Raters", "Query sets", "Task pools", "Vocabulary"])

with raters_tab:
    raters = store.raters()
    st.dataframe(
        pd.DataFrame([{"id": r.rater_id, "name": r.name, "role": r.role, "simulated": r.simulated,
                       "created (UTC)": r.created_at} for r in raters]),
        hide_index=True, key="admin_raters_table",
    )
    with st.form("admin_add_rater", clear_on_submit=True):
        st.markdown("**Add a rater**")
        rater_id = st.text_input("Rater id (what they sign in with)", key="admin_rater_id")
        name = st.text_input("Name", key="admin_rater_name")
        role = st.selectbox("Role", access.ROLES, key="admin_rater_role")
        secret = st.text_input(f"Secret (at least {access.MIN_SECRET_CHARS} characters)", type="password",
                               key="admin_rater_secret")
        if st.form_submit_button("Add rater", key="admin_rater_submit"):
            try:
                access.check("admin")
                added = store.add_rater(rater_id.strip(), name.strip(), role=role, password=access.check_secret(secret))
                st.success(f"Added {added.rater_id} ({added.role}); they can sign in now.")
            except (access.AccessDenied, ValueError) as exc:
                st.error(str(exc))

with sets_tab:
    sets = store.query_sets()
    st.dataframe(
        pd.DataFrame([{"name": s.name, "description": s.description, "queries": len(store.queries(s.name))} for s in sets]),
        hide_index=True, key="admin_sets_table",
    )
    with st.form("admin_add_query_set", clear_on_submit=False):
        st.markdown("**Create a query set from a file** (JSONL, one query a line; fields: " + ", ".join(FIELDS) + ")")
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

with pool_tab:
    config_names = sorted({c.name for c in store.configs()})
    set_names = [s.name for s in store.query_sets()]
    if not config_names or not set_names:
        st.info("A task pool needs a query set and runs of at least one config over it (`workbench demo` makes both).")
    with st.form("admin_build_pool"):
        st.markdown("**Build a task pool** (blind: raters never see the configs, ranks or scores)")
        pool_set = st.selectbox("Query set", set_names, key="admin_pool_set")
        pool_configs = st.multiselect("Configs", config_names, default=config_names[:2], key="admin_pool_configs")
        k_col, overlap_col, gold_col = st.columns(3)
        k = k_col.number_input("Depth k", min_value=1, max_value=1000, value=10, key="admin_pool_k")
        overlap = overlap_col.number_input("Overlap (raters per task)", min_value=1, max_value=50, value=3,
                                           key="admin_pool_overlap")
        gold_rate = gold_col.number_input("Gold rate", min_value=0.0, max_value=0.9, value=0.0, step=0.05,
                                          key="admin_pool_gold")
        mode_col, seed_col = st.columns(2)
        mode = mode_col.selectbox("Mode", MODES, key="admin_pool_mode")
        seed = seed_col.number_input("Seed", min_value=0, value=0, key="admin_pool_seed")
        relevance_model = has_model(ws, RELEVANCE)
        prerank = st.checkbox("Pre-rank the queue with the relevance model (likely relevant first)",
                              key="admin_pool_prerank", disabled=not relevance_model,
                              help="Orders which task raters get first; never fills in a label."
                              + ("" if relevance_model else " Train the model first: `workbench train relevance`."))
        if st.form_submit_button("Build task pool", key="admin_pool_submit"):
            try:
                access.check("admin")
                if pool_set is None:
                    raise ValueError("there is no query set yet; create one in the Query sets tab")
                priority = None
                if prerank and relevance_model:
                    from engine.models.relevance.agreement import student_predictor
                    from engine.models.relevance.prerank import pool_priority

                    predict = student_predictor(ws, store, context=search_state.search_context(ws))
                    priority = pool_priority(store, pool_set, pool_configs, int(k), predict)
                report = store.build_task_pool(pool_set, pool_configs, k=int(k), overlap=int(overlap),
                                               gold_rate=float(gold_rate), mode=mode, seed=int(seed),
                                               priority=priority)
                st.success(f"Pool {report.pool_id}: {report.n_tasks} tasks ({report.n_new_tasks} new) "
                           f"and {report.n_gold} gold over {report.n_queries} queries.")
                st.json(asdict(report))
            except (access.AccessDenied, ValueError) as exc:
                st.error(str(exc))

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
