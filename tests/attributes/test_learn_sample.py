"""The fashion sample's own VLM output, curated with no built-in families, still gives its seven families."""

import pytest

from engine.attributes.curate import CurationSettings, curate, curated_attributes
from engine.attributes.records import RawAttribute
from engine.vocabulary import vocabulary_from_curated
from engine.vocabulary.learn import item_counts_of
from sample_data.listing import write_listing
from sample_data.spec import sample_products
from sample_data.vlm_output import raw_vlm_attributes

SEVEN = {"category", "color", "pattern", "material", "style", "season", "occasion"}


@pytest.fixture(scope="module")
def sample():
    """(raw attributes, item texts, true attributes) of 600 sample products."""
    raw, texts, truth = [], {}, {}
    for spec in sample_products(600, 11):
        listing = write_listing(spec)
        raw += [RawAttribute(spec.item_id, p["key"], p["value"]) for p in raw_vlm_attributes(spec, listing)]
        texts[spec.item_id] = " ".join([listing.title or "", listing.description, *listing.tags])
        truth[spec.item_id] = spec.attributes()
    return raw, texts, truth


@pytest.fixture(scope="module")
def raw(sample):
    return sample[0]


@pytest.fixture(scope="module")
def minilm():
    from engine.models.text_encoder import load_text_encoder

    return load_text_encoder()


@pytest.mark.parametrize("with_model", [False, True])
def test_the_sample_keys_give_the_seven_families(raw, minilm, with_model):
    encode = minilm.encode if with_model else None
    curated = curate(raw, encode, CurationSettings(threshold=0.15 if with_model else 0))
    keys = curated.keys
    assert set(curated.families) == SEVEN
    assert set(keys["families"]["category"]) == {"category", "product type", "item type", "garment"}
    assert set(keys["families"]["color"]) == {"color", "colour", "main color", "primary color", "dominant color"}
    assert set(keys["families"]["occasion"]) == {"occasion", "use case", "suitable for"}
    assert keys["product_type"] == "category"
    # the accent colour is another attribute of the same items, and descriptors are no catalog-wide family
    assert "accent color" in keys["rare_families"] or "secondary color" in keys["rare_families"]
    assert "detail" in keys["narrow_families"]
    vocab, _ = vocabulary_from_curated(curated, item_counts_of(curated_attributes(raw, curated)))
    assert set(vocab.family_names) == SEVEN and vocab.product_type == "category"
    assert set(vocab.visible_families) == {"category", "color", "pattern", "material"}


def test_with_the_items_texts_the_values_are_the_samples_own(sample, minilm):
    from sample_data.workspace_vocabulary import fashion_vocabulary

    raw, texts, truth = sample
    curated = curate(raw, minilm.encode, texts=texts)
    fashion = fashion_vocabulary()
    without = curate(raw, minilm.encode)
    # synonyms the VLM used ("frock", "kicks", "tee") join the value the listings name; none is lost or invented
    for family in ("category", "color", "material"):
        values = curated.families[family]
        assert set(fashion.family(family).names) <= set(values), family
        assert all(fashion.canonical(family, v) is not None for v in values), family
        assert len(values) <= len(fashion.family(family).values) + 8 < len(without.families[family]), family
    right = [fashion.canonical(a.family, a.value) == truth[a.item_id][a.family]
             for a in curated_attributes(raw, curated) if a.family == "category"]
    assert sum(right) / len(right) > 0.95
