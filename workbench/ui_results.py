"""Result grids shared by Explore and Compare: image, rank, attribute chips, CG badges, score breakdown."""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence
from pathlib import Path

import streamlit as st

SHARED_BADGE = ":orange-badge[shared]"
NO_BREAKDOWN_NOTE = ("image_sim, text_sim, engagement, relevance, attribute_boost, cg_boost: n/a (an external "
                     "system's score has no known parts)")
RANK_BEFORE_HELP = ("Rank before reranking: the position in the candidate list the reranker receives. The CG calls' "
                    "lists are merged in first-seen order, which means nothing, so this is their reciprocal-rank "
                    "fusion: sum over the calls that found the item of 1 / (60 + its rank in that call).")


GRID_CAPTION = "Each result: its rank and id, the catalog's attributes, what the engine read, the CGs that found it."
CHIPS_HELP = ("Catalog: the attributes the catalog itself states for the item. Read: what the engine's model reads "
              "off the item, with its confidence; only readings at or above the calibrated threshold boost and fill "
              "(a grey reading with ? is below it and counts for nothing).")


def attribute_chips(attributes: dict) -> str:
    """Attribute values as small grey badges."""
    return " ".join(f":gray-badge[{family}: {value}]" for family, value in attributes.items() if value)


def _badge_text(text: str) -> str:
    return str(text).replace("[", "(").replace("]", ")")


def _badge(color: str, chips: list[str]) -> list[str]:
    """A group's chips as one highlighted run of text ("color: red, pattern: plaid" on a green background): each
    badge is a styled element that the browser builds (a result's dozen badges, times k, cost ~0.2 s of Markdown
    rendering); one a group is enough, and a background, unlike a badge, wraps instead of cutting the text off."""
    return [f":{color}-background[{', '.join(chips)}]"] if chips else []


def catalog_chips(attributes: dict) -> str:
    """The catalog's own attributes, on green."""
    chips = _badge("green", [f"{_badge_text(f)}: {_badge_text(v)}" for f, v in attributes.items() if v])
    return "Catalog " + (" ".join(chips) if chips else "*states none*")


def reading_chips(result) -> str:
    """The engine's readings with their confidence: violet when they count, grey with ? when below threshold."""
    confidence = getattr(result, "attribute_confidence", {}) or {}

    def conf(family: str) -> str:
        return f" · {confidence[family]:.2f}" if family in confidence else ""

    chips = _badge("violet", [f"{_badge_text(f)}: {_badge_text(v)}{conf(f)}" for f, v in result.attributes.items() if v])
    chips += _badge("gray", [f"{_badge_text(f)}: {_badge_text(v)}?{conf(f)}"
                             for f, v in (getattr(result, "uncertain_attributes", {}) or {}).items() if v])
    return "Read " + (" ".join(chips) if chips else "*nothing*")


def cg_badges(sources) -> str:
    """The CGs that retrieved the item, on blue (a CG's multi-fetch calls counted: "text ×2")."""
    counts: dict[str, int] = {}
    for source in sources:
        counts[source.cg] = counts.get(source.cg, 0) + 1
    return " ".join(_badge("blue", [f"{cg}{f' ×{n}' if n > 1 else ''}" for cg, n in counts.items()]))


def best_source_rank(sources) -> int | None:
    """The result's best rank in any CG call: where it stood before reranking."""
    return min((s.rank for s in sources), default=None)


def breakdown_rows(result, weights) -> list[dict]:
    """Each term of score = (w1*image_sim + w2*text_sim + w3*engagement + w4*relevance) * attribute_boost * cg_boost."""
    b = result.breakdown
    rows = [{"term": f"{w} × {name}", "weight": getattr(weights, w), "value": getattr(b, name),
             "contribution": getattr(weights, w) * getattr(b, name)}
            for w, name in (("w1", "image_sim"), ("w2", "text_sim"), ("w3", "engagement"), ("w4", "relevance"))]
    rows.append({"term": "× attribute_boost", "weight": weights.w5, "value": b.attribute_boost,
                 "contribution": None})
    rows.append({"term": "× cg_boost", "weight": None, "value": b.cg_boost, "contribution": None})
    rows.append({"term": "= score", "weight": None, "value": result.score, "contribution": None})
    return rows


def _num(value) -> str:
    return f"{value:.4g}"


def breakdown_markdown(result, weights) -> str:
    """The score's terms one per line ("w1 × image_sim: 1 × 0.61 = **0.61**"), compact enough for a grid column
    (a table overflows it; 2 x k st.dataframe calls cost ~3.5 ms each per rerun, this ~0.1 ms)."""
    lines = []
    for row in breakdown_rows(result, weights):
        if row["contribution"] is not None:
            lines.append(f"{row['term']}: {_num(row['weight'])} × {_num(row['value'])} = **{_num(row['contribution'])}**")
        elif row["weight"] is not None:
            lines.append(f"{row['term']}: {_num(row['value'])} (w5 {_num(row['weight'])})")
        else:
            lines.append(f"{row['term']}: **{_num(row['value'])}**")
    return "  \n".join(lines)


def params_text(params: dict) -> str:
    """A CG call's parameters as words: {"use_enriched": True, "alpha": 0.3} -> "use enriched, alpha 0.3"."""
    words = []
    for name, value in params.items():
        name = str(name).replace("_", " ")
        if isinstance(value, bool):
            words.append(name if value else f"no {name}")
        elif isinstance(value, float):
            words.append(f"{name} {_num(value)}")
        else:
            words.append(f"{name} {value}")
    return ", ".join(words)


def sources_markdown(sources) -> str:
    """Each CG call that retrieved the item, one per line: cg, params in words, its rank there and its score."""
    return "  \n".join(f"{s.cg}{f' ({params_text(s.params)})' if s.params else ''} #{s.rank} ({_num(s.score)})"
                       for s in sources)


THUMBNAIL_PX = 320  # a grid column is ~250 CSS px wide at 5 columns; larger catalog images are scaled down to this


def thumbnail_bytes(path: Path, max_px: int = THUMBNAIL_PX) -> bytes:
    """An image file as JPEG bytes no larger than max_px a side (a JPEG that already fits is returned as it is)."""
    from PIL import Image

    with Image.open(path) as image:
        if image.format == "JPEG" and max(image.size) <= max_px:
            return path.read_bytes()
        image = image.convert("RGB")
        image.thumbnail((max_px, max_px))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=90)
        return out.getvalue()


@st.cache_resource(show_spinner=False, max_entries=2048)
def _thumbnail(path: str) -> bytes:
    # cache_resource: the bytes are shared, not copied per rerun; catalog image files are content-addressed
    return thumbnail_bytes(Path(path))


def result_markdown(result, item: dict, highlight: Collection[str] = ()) -> str:
    """What a grid shows under a result's image, as one Markdown element: rank and id, catalog chips, readings,
    CG badges (one element instead of four: each element costs the server and the browser)."""
    shared = f" {SHARED_BADGE}" if result.item_id in highlight else ""
    return "  \n".join((f"**#{result.rank}** `{result.item_id}`{shared}",
                        catalog_chips(item.get("attributes") or {}),
                        reading_chips(result),
                        cg_badges(result.sources) + (" :violet-badge[filled]" if result.filled else "")))


def rank_line(result) -> str:
    """Where a result stands: its rank after reranking, before reranking, and its best rank in any CG call."""
    before = "?" if result.rank_before is None else result.rank_before
    return (f"rank {result.rank} after reranking · rank {before} before reranking · "
            f"best CG rank {best_source_rank(result.sources)}")


def score_markdown(result, rerank) -> str:
    """A result's Score expander as one Markdown element: the score's terms (or why there are none), then in grey its
    ranks and the CG calls that retrieved it."""
    from engine.external import has_breakdown

    if rerank is not None and has_breakdown(result):
        score = breakdown_markdown(result, rerank.weights)
    else:
        score = NO_BREAKDOWN_NOTE + f"  \nscore **{_num(result.score)}**"
    where = [rank_line(result), "Retrieved by:", *sources_markdown(result.sources).split("  \n")]
    return "  \n".join((score, *(f":gray[{line}]" for line in where)))  # grey, as the captions they replace


def thumbnail(path) -> bytes:
    """A catalog image as a cached JPEG of at most THUMBNAIL_PX a side (read once per server)."""
    return _thumbnail(str(path))


def result_grid(response, workspace, items: dict, *, key: str, columns: int = 5, highlight: Collection[str] = (),
                blind: bool = False) -> None:
    """The results as an image grid (items: the SearchContext's item rows). blind: images only (no rank,
    score, config, sources or attributes). Per result: a cached thumbnail, one Markdown element, a Score expander
    whose content is drawn only while it is open (keys `{key}_score_{rank}`).

    A fragment: opening or closing a Score reruns the grid alone, not the page around it."""
    _grid(response, workspace, items, key=key, columns=columns, highlight=tuple(highlight), blind=blind)


def score_key(key: str, rank: int) -> str:
    """The session-state key of a grid's Score expander (True while it is open)."""
    return f"{key}_score_{rank}"


@st.fragment
def _grid(response, workspace, items: dict, *, key: str, columns: int, highlight: tuple, blind: bool) -> None:
    results = list(response.results)
    rerank = getattr(response.config, "rerank", None)  # an external config has no reranker, so no weights
    if results and not blind:  # the chips' help once (a help icon a result is a tooltip each for the browser)
        st.caption(GRID_CAPTION, help=CHIPS_HELP)
    for start in range(0, len(results), columns):
        for column, result in zip(st.columns(columns), results[start:start + columns]):
            with column:
                item = items.get(result.item_id, {})
                if path := item.get("image_path"):
                    st.image(thumbnail(workspace.root / path), width="stretch", output_format="JPEG")
                if blind:
                    continue
                st.markdown(result_markdown(result, item, highlight))  # CHIPS_HELP: once, above the grid
                # on_change="rerun": the breakdown is built and sent only for an open Score, not for all k results
                with st.expander("Score", key=score_key(key, result.rank), on_change="rerun") as score:
                    if score.open:
                        st.markdown(score_markdown(result, rerank), help=RANK_BEFORE_HELP)


def understood_caption(response) -> str:
    """The understood query in one line: mode, targets, enriched text and a crop's surrogate."""
    u = response.understood
    targets = ", ".join(f"{f}={v}" for f, v in u.target_attributes.items()) or "none"
    text = f"mode **{u.mode}** · targets {targets} · enriched text “{u.enriched_text}”"
    if u.surrogate_item:
        text += f" · crop surrogate `{u.surrogate_item}`"
    return text


def reading_caption(reading: dict, confidence: dict, threshold: float) -> str:
    """What the model read off a reference, each with its confidence; those under the threshold marked unused."""
    parts = []
    for family, value in reading.items():
        c = confidence.get(family, 0.0)
        parts.append(f"{family} {value} ({c:.2f}{'' if c >= threshold else ', too unsure to use'})")
    return "Read off the reference by the model (confidence): " + (", ".join(parts) or "nothing")


def coverage_warning(response) -> str | None:
    """When no catalog item carries every target attribute: say so, and that the results are alternatives."""
    if getattr(response, "target_in_catalog", None) is not False:
        return None
    targets = " + ".join(f"{f} {v}" for f, v in response.understood.target_attributes.items())
    return (f"No item in this catalog is {targets} (by the catalog's own attributes). The results below are the "
            "nearest alternatives, not matches.")


def notices_caption(response) -> str | None:
    """What a user should know about this answer (e.g. ids an external endpoint returned that the catalog lacks)."""
    notices = getattr(response, "notices", ())
    return "  \n".join(f"⚠ {n}" for n in notices) if notices else None


def timings_caption(timings: dict) -> str:
    return " · ".join(f"{stage} {ms:.0f} ms" for stage, ms in timings.items())


def rankings(responses: Sequence) -> list[list[str]]:
    return [[r.item_id for r in response.results] for response in responses]


def judge_line(entry: dict) -> str:
    """A trained judge's `eval agreement` entry as the Dashboard states it."""
    def fmt(value):
        return "n/a" if value is None else f"{value:.3f}"

    ratio = (f" ({entry['kappa'] / entry['raters_kappa']:.2f}x the raters')"
             if entry["kappa"] is not None and entry["raters_kappa"] else "")
    return (f"**{entry['name']} model as a judge:** quadratic-weighted kappa {fmt(entry['kappa'])} against the "
            f"raters' lower-median label over {entry['n_units']} pairs of held-out queries judged by two raters or "
            f"more; the raters' own mean pairwise kappa there is {fmt(entry['raters_kappa'])}{ratio}. The same "
            "figures as `workbench eval agreement --json` (its `models` list).")
