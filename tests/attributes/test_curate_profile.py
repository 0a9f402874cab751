"""Synonyms merged by their items' texts (curate_profile.py), on tiny hand-made catalogs."""

import numpy as np
import pytest

from engine.attributes.curate import CurationError, CurationSettings, curate
from engine.attributes.curate_profile import merge_by_text_profile, profile_similarity, text_words
from engine.attributes.records import RawAttribute

# Six items each; "fall" and "autumn" items are listed with the same words, "winter" items with others.
FALL = ["harvest leaves", "harvest orchard", "harvest leaves sweater", "harvest orchard", "harvest leaves", "harvest"]
WINTER = ["snow frost", "snow ice", "snow frost coat", "snow ice", "snow frost", "snow"]


def season_catalog(autumn_text=FALL):
    items = {"fall": {f"f{i}" for i in range(6)}, "autumn": {f"a{i}" for i in range(6)},
             "winter": {f"w{i}" for i in range(6)}}
    texts = {f"f{i}": t for i, t in enumerate(FALL)} | {f"a{i}": t for i, t in enumerate(autumn_text)}
    texts |= {f"w{i}": t for i, t in enumerate(WINTER)}
    return items, texts


def test_text_words_are_lowercase_word_sets():
    assert text_words({"a": "Snow-White snow, frost"}) == {"a": frozenset({"snow-white", "snow", "frost"})}


def test_profiles_of_values_listed_alike_are_similar_and_others_are_not():
    items, texts = season_catalog()
    values, cosine, similarity = profile_similarity(items, text_words(texts))
    assert values == ["autumn", "fall", "winter"]
    assert cosine[0, 1] == pytest.approx(1.0)  # the same texts: the same profile
    assert cosine[0, 2] < 0 and cosine[1, 2] < 0  # above the family's word shares where the other is below
    assert np.allclose(np.diag(cosine), 1.0)


def test_a_value_whose_items_read_like_a_more_frequent_ones_merges_into_it():
    items, texts = season_catalog()
    items["fall"] |= {"f6"}
    texts["f6"] = "harvest leaves"
    support = {v: len(i) for v, i in items.items()}
    assert merge_by_text_profile(support, items, text_words(texts)) == {"fall": "fall", "autumn": "fall",
                                                                        "winter": "winter"}


def test_values_listed_differently_stay_apart():
    items, texts = season_catalog(autumn_text=WINTER)  # "autumn" items read like winter ones: merges there
    merged = merge_by_text_profile({"winter": 7, "fall": 6, "autumn": 6}, items, text_words(texts))
    assert merged["fall"] == "fall" and merged["autumn"] == "winter"


def test_too_few_texts_or_a_weak_cosine_merges_nothing():
    items, texts = season_catalog()
    support = {"fall": 7, "autumn": 6, "winter": 6}
    assert merge_by_text_profile(support, items, text_words(texts), min_items=7)["autumn"] == "autumn"
    assert merge_by_text_profile(support, items, {}, min_items=1) == {v: v for v in support}  # no texts
    assert merge_by_text_profile(support, items, text_words(texts), min_cosine=1.01)["autumn"] == "autumn"


def raw_catalog(autumn_text=FALL):
    items, texts = season_catalog(autumn_text)
    raw = [RawAttribute(i, "season", v) for v, ids in items.items() for i in sorted(ids)]
    raw += [RawAttribute("f6", "season", "fall")]
    texts["f6"] = "harvest leaves"
    return raw, texts


def test_curate_runs_the_profile_stage_with_texts_only():
    raw, texts = raw_catalog()
    without_texts = curate(raw, None, CurationSettings(min_support=2, threshold=0))
    assert "profile" not in without_texts.stages and len(without_texts.families["season"]) == 3
    vocab = curate(raw, None, CurationSettings(min_support=2, threshold=0, cooccurrence_share=0), texts=texts)
    assert vocab.families == {"season": ["fall", "winter"]}
    assert vocab.mapping[("season", "autumn")] == ("season", "fall")
    assert vocab.stages["profile"] == {"before": 3, "after": 2, "after.season": 2}
    no_profile = CurationSettings(min_support=2, threshold=0, profile_similarity=0)
    assert curate(raw, None, no_profile, texts=texts).families == {"season": ["fall", "autumn", "winter"]}


def test_an_embedding_merge_of_values_whose_items_read_unlike_is_undone():
    raw, texts = raw_catalog()

    def encode(values):  # a fake encoder that puts "winter" on top of "fall": one cluster for all three
        return np.array([[1.0, 0.0] for _ in values])

    settings = CurationSettings(min_support=2, threshold=0.1, profile_similarity=0.8)
    vocab = curate(raw, encode, settings, texts=texts)
    assert vocab.families == {"season": ["fall", "winter"]}  # autumn merged, winter vetoed
    assert curate(raw, encode, settings).families == {"season": ["fall"]}  # without texts nothing can veto


def test_bad_profile_settings_are_refused():
    with pytest.raises(CurationError, match="profile_similarity"):
        CurationSettings(profile_similarity=-1).check()
    with pytest.raises(CurationError, match="profile_cosine"):
        CurationSettings(profile_cosine=2).check()


def test_a_merged_group_takes_the_name_its_listings_use():
    items, texts = season_catalog()
    items["autumn"] |= {"a6"}  # autumn is the more frequent form, but the listings say "fall"
    texts = {i: ("fall " + t if i[0] in "af" else t) for i, t in texts.items()} | {"a6": "fall harvest"}
    support = {v: len(i) for v, i in items.items()}
    merged = merge_by_text_profile(support, items, text_words(texts), texts=texts)
    assert merged == {"fall": "fall", "autumn": "fall", "winter": "winter"}
    assert merge_by_text_profile(support, items, text_words(texts))["fall"] == "autumn"  # without: the frequent one
