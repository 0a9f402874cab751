"""The result grid's pieces: one Markdown element per result, one per Score expander, and the cached thumbnails."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

from PIL import Image

from engine.records import Result, ScoreBreakdown, Source
from workbench.ui_results import NO_BREAKDOWN_NOTE, SHARED_BADGE, result_markdown, score_markdown, thumbnail_bytes

SOURCES = (Source("text", {}, 3, 0.5), Source("image", {"alpha": 0.3}, 2, 0.75), Source("text", {}, 5, 0.25))


def result(**changes) -> Result:
    breakdown = ScoreBreakdown(image_sim=0.5, text_sim=0.25, engagement=0.0, relevance=0.0, attribute_boost=2.0,
                               cg_boost=1.0)
    fields = dict(rank=4, item_id="p7", score=2 * (0.5 + 0.25), breakdown=breakdown, sources=SOURCES,
                  attributes={"color": "red"}, rank_before=6, attribute_confidence={"color": 0.9})
    return Result(**{**fields, **changes})


def test_a_result_reads_rank_catalog_readings_and_cg_badges_in_one_element():
    lines = result_markdown(result(filled=True), {"attributes": {"color": "red"}}, highlight={"p7"}).split("  \n")
    assert lines == [f"**#4** `p7` {SHARED_BADGE}", "Catalog :green-background[color: red]",
                     "Read :violet-background[color: red · 0.90]",
                     ":blue-background[text ×2, image] :violet-badge[filled]"]
    assert result_markdown(result(), {}).split("  \n")[:2] == ["**#4** `p7`", "Catalog *states none*"]


def test_the_score_element_holds_the_terms_the_ranks_and_the_cg_calls():
    weights = SimpleNamespace(w1=1.0, w2=1.0, w3=0.0, w4=0.0, w5=0.5)
    lines = score_markdown(result(), SimpleNamespace(weights=weights)).split("  \n")
    assert lines[0] == "w1 × image_sim: 1 × 0.5 = **0.5**" and lines[6] == "= score: **1.5**"
    assert lines[7:] == [":gray[rank 4 after reranking · rank 6 before reranking · best CG rank 2]",
                         ":gray[Retrieved by:]", ":gray[text #3 (0.5)]", ":gray[image (alpha 0.3) #2 (0.75)]",
                         ":gray[text #5 (0.25)]"]


def test_an_external_result_says_its_score_has_no_parts_first():
    nan = float("nan")
    external = result(breakdown=ScoreBreakdown(image_sim=nan, text_sim=nan, engagement=nan, relevance=nan),
                      rank_before=None, score=0.8)
    text = score_markdown(external, None)
    assert text.startswith(NO_BREAKDOWN_NOTE + "  \nscore **0.8**  \n")
    assert ":gray[rank 4 after reranking · rank ? before reranking · best CG rank 2]" in text.split("  \n")


def _image_file(tmp_path, size, fmt) -> Path:
    path = tmp_path / f"image.{fmt.lower()}"
    Image.new("RGB", size, "red").save(path, fmt)
    return path


def test_a_large_image_is_scaled_down_to_the_thumbnail_and_a_small_jpeg_is_kept_as_it_is(tmp_path):
    large = _image_file(tmp_path, (640, 320), "PNG")
    with Image.open(io.BytesIO(thumbnail_bytes(large, max_px=320))) as thumb:
        assert (thumb.format, thumb.size) == ("JPEG", (320, 160))
    small = _image_file(tmp_path, (256, 100), "JPEG")
    assert thumbnail_bytes(small, max_px=320) == small.read_bytes()
