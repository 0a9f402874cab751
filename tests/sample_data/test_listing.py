"""Merchant listings: deterministic per item, noisy like real catalogs, and truthful about the item."""

import re
import statistics
import tomllib

import pytest

from sample_data.listing import WORDS_PATH, Listing, write_listing, write_scene_listing
from sample_data.spec import SceneSpec, sample_products, sample_scenes
from sample_data.vocabulary import load_vocabulary

VOCAB = load_vocabulary()
N = 2000


def forms(family, value):
    return VOCAB.family(family).value(value).synonyms


def mentions(text, family, value):
    return any(form in text.lower() for form in forms(family, value))


@pytest.fixture(scope="module")
def specs():
    return sample_products(N, 21)


@pytest.fixture(scope="module")
def listings(specs):
    return [write_listing(s) for s in specs]


def test_same_spec_gives_same_listing_whatever_comes_before():
    alone = sample_products(1, 4, start=7)[0]
    among = sample_products(10, 4)[7]
    assert alone == among
    assert write_listing(alone) == write_listing(among)
    assert write_listing(alone) != write_listing(sample_products(10, 4)[6])


def test_about_15_percent_of_items_have_no_title(listings):
    missing = sum(listing.title is None for listing in listings) / N
    assert 0.10 <= missing <= 0.20


def test_titles_and_descriptions_name_the_true_category(specs, listings):
    titled = [(s, li) for s, li in zip(specs, listings) if li.title is not None]
    in_title = sum(mentions(li.title, "category", s.category) for s, li in titled) / len(titled)
    in_description = sum(mentions(li.description, "category", s.category) for s, li in zip(specs, listings)) / N
    assert in_title >= 0.9
    assert in_description >= 0.9


def test_titles_omit_most_families(specs, listings):
    """Style, season and occasion live mostly in descriptions, tags and boards, not titles."""
    titled = [(s, li) for s, li in zip(specs, listings) if li.title is not None]
    for family in ("style", "season", "occasion"):
        share = sum(mentions(li.title, family, getattr(s, family)) for s, li in titled) / len(titled)
        assert share < 0.3, family
    all_seven = sum(all(mentions(li.title, f, v) for f, v in s.attributes().items()) for s, li in titled)
    assert all_seven / len(titled) < 0.01


def test_synonyms_vary(specs, listings):
    text = {s.item_id: f"{li.title or ''} {li.description} {' '.join(li.tags)}".lower()
            for s, li in zip(specs, listings)}
    red_items = [s for s in specs if s.color == "red"]
    reds = {form for s in red_items for form in forms("color", "red") if re.search(rf"\b{form}\b", text[s.item_id])}
    assert len(reds) >= 3, reds
    boho = {form for s in specs if s.style == "boho" for form in forms("style", "boho") if form in text[s.item_id]}
    assert len(boho) >= 2, boho


def test_noise_is_present_but_rare(listings):
    words = tomllib.loads(WORDS_PATH.read_text())
    titles = [li.title for li in listings if li.title]
    shouting = sum(t.isupper() for t in titles) / len(titles)
    fluffy = sum(any(f.lower() in t.lower() for f in words["noise"]["fluff"]) for t in titles) / len(titles)
    typos = set(words["noise"]["typos"].values())
    misspelt = sum(any(w.lower() in typos for w in t.split()) for t in titles)
    assert 0.01 < shouting < 0.15
    assert 0.05 < fluffy < 0.4
    assert misspelt > 0


def test_tags_brand_and_boards_are_well_formed(listings):
    for li in listings:
        assert 3 <= len(li.tags) <= 8
        assert all(t == t.lower() and t for t in li.tags)
        assert len(set(li.tags)) == len(li.tags)
        assert li.brand
        assert 0 <= len(li.board_titles) <= 5
        assert round(li.price, 2) == li.price > 0
    assert 30 <= len({li.brand for li in listings}) <= 60
    counts = {len(li.board_titles) for li in listings}
    assert {0, 1, 5} <= counts


def test_boards_follow_the_season(specs, listings):
    def share_saying(word, season):
        boards = [b.lower() for s, li in zip(specs, listings) if s.season == season for b in li.board_titles]
        return sum(word in b for b in boards) / len(boards)

    assert share_saying("summer", "summer") > 5 * share_saying("summer", "winter")
    assert share_saying("winter", "winter") > 5 * share_saying("winter", "summer")


def test_prices_follow_category_and_material(specs, listings):
    def median(pred):
        return statistics.median(li.price for s, li in zip(specs, listings) if pred(s))

    assert median(lambda s: s.category == "coat") > 3 * median(lambda s: s.category == "t-shirt")
    assert median(lambda s: s.category == "boots") > median(lambda s: s.category == "sneakers")
    assert median(lambda s: s.material == "leather") > 1.3 * median(lambda s: s.material == "cotton")


def test_scene_listing_mentions_its_pieces():
    products = sample_products(400, 8)
    by_id = {p.item_id: p for p in products}
    scenes = sample_scenes(products, 60, 8)
    missing_titles = 0
    for scene in scenes:
        members = [by_id[m] for m in scene.members]
        listing = write_scene_listing(scene, members)
        assert isinstance(listing, Listing)
        assert listing == write_scene_listing(scene, members)
        for m in members:
            assert mentions(listing.description, "category", m.category), (listing.description, m.category)
        assert listing.price == pytest.approx(sum(write_listing(m).price for m in members), abs=0.011)
        assert 3 <= len(listing.tags) <= 8
        missing_titles += listing.title is None
    assert missing_titles < len(scenes) / 2


def test_scene_listing_rejects_members_that_do_not_match():
    products = sample_products(3, 1)
    scene = SceneSpec(item_id="s000000", seed=5, members=(products[0].item_id, products[1].item_id))
    with pytest.raises(ValueError, match="p000002"):
        write_scene_listing(scene, [products[0], products[2]])
    with pytest.raises(ValueError, match="no member specs"):
        write_scene_listing(scene, [])
