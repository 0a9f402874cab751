"""Collections: browse the topics the attribute pipeline proposed and their feeds, and label a feed's Precision@10."""

import streamlit as st

from engine.collections.errors import CollectionsError, CollectionsMissingError
from engine.collections.records import TIERS
from engine.collections.storage import load_collections
from workbench import access, search_state, state
from workbench.collection_labeling import CONFIG_NAME as FEED_CONFIG, FEED_K, QUERY_SET as LABEL_QUERY_SET, label_feed

FEED_COLUMNS = 5
FEED_SHOWN = 20

user = access.require("researcher")
ws = state.workspace()
st.title("Collections")


@st.cache_data(ttl=60, show_spinner=False)
def _collections(root: str):
    from engine.workspace import Workspace

    return load_collections(Workspace.resolve(root))


try:
    collections = _collections(str(ws.root))
except (CollectionsError, CollectionsMissingError) as exc:
    st.info(f"No collections in `{ws.root}` yet. Run `workbench collections build` first. ({exc})")
    st.stop()
if not collections:
    st.info("The collections build proposed no topics; lower its min_support and run `workbench collections build`.")
    st.stop()

c1, c2 = st.columns([1, 3])
tier = c1.selectbox("Tier", ["all", *TIERS], key="collections_tier")
text = c2.text_input("Filter topics by title or attribute", key="collections_text").strip().casefold()
shown = [c for c in collections if (tier == "all" or c.topic.tier == tier)
         and (not text or text in c.topic.title.casefold()
              or any(text in v.casefold() for v in c.topic.attribute_dict().values()))]
st.caption(f"{len(shown)} of {len(collections)} topics")
if not shown:
    st.warning("No topics match these filters.")
    st.stop()
st.dataframe([{"title": c.topic.title, "tier": c.topic.tier, "demand": c.topic.demand, "support": c.topic.support,
               "feed": len(c.items), "attributes": ", ".join(f"{f}={v}" for f, v in c.topic.attributes)}
              for c in shown], hide_index=True, key="collections_table")

by_id = {c.topic.topic_id: c for c in shown}
topic_id = st.selectbox("Topic", list(by_id), format_func=lambda t: by_id[t].topic.title, key="collections_topic")
chosen = by_id[topic_id]
st.subheader(chosen.topic.title)
st.markdown(" ".join(f":gray-badge[{f}: {v}]" for f, v in chosen.topic.attributes)
            + f" :blue-badge[{chosen.topic.tier}] · demand {chosen.topic.demand} · support {chosen.topic.support}")
try:
    paths = search_state.image_paths(ws)
except (FileNotFoundError, ValueError):
    paths = {}
feed = chosen.items[:FEED_SHOWN]
for start in range(0, len(feed), FEED_COLUMNS):
    for column, (offset, item_id) in zip(st.columns(FEED_COLUMNS), list(enumerate(feed))[start:start + FEED_COLUMNS]):
        with column:
            path = paths.get(item_id)
            if path:
                st.image(str(ws.root / path), width="stretch")
            st.caption(f"#{offset + 1} `{item_id}`")

st.subheader("Label this feed's Precision@10")
st.caption(f"Its top {FEED_K} become binary (relevant or not) tasks of the topic title as a text query in the "
           f"`{LABEL_QUERY_SET}` query set (config `{FEED_CONFIG}`); raters judge them in Label, Precision@10 mode.")
if st.button("Label this feed's Precision@10", key="collections_label_feed", type="primary",
             icon=":material/fact_check:"):
    try:
        access.check("researcher")
        done = label_feed(state.store(), chosen)
    except (access.AccessDenied, ValueError) as exc:
        st.error(str(exc))
    else:
        if done.recorded:
            st.success(f"Query `{done.query_id}`: the feed's top {done.n_results} pooled, {done.n_new_tasks} new "
                       "tasks. Raters find them in Label, Precision@10 mode.")
        else:
            st.info(f"Query `{done.query_id}`: this feed's top {done.n_results} are already pooled; nothing added.")
