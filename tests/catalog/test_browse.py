"""list_items: filter by kind and text, sorted by item_id, paginated, returning Items."""

import pytest

from engine.catalog import list_items
from engine.index import ItemsTableMissingError
from engine.records import Item

from .conftest import write_csv

IMAGES = ["red.jpg", "blue.png", "green.webp"]
# item_id, title, description, kind
CATALOG = [
    ("p10", "Red Dress", "summer party", "product"),
    ("p02", "blue jeans", "NAVY denim", "product"),
    ("s01", "Street look", "a red bag and boots", "scene"),
    ("p03", "", "plain tee", "product"),
    ("RED-7", "Hat", "", "product"),
    ("p11", "Quote's \"dress\"", "x", "product"),
]


@pytest.fixture
def catalog(tmp_path, ingest, workspace):
    rows = [{"item_id": item_id, "image_path": IMAGES[index % 3], "title": title, "description": description,
             "kind": kind, "tags": "a|b", "color": "red"}
            for index, (item_id, title, description, kind) in enumerate(CATALOG)]
    ingest(write_csv(tmp_path / "m.csv", rows))
    return workspace


def ids(page):
    return [item.item_id for item in page.items]


def test_all_items_sorted_by_id(catalog):
    page = list_items(catalog)
    assert ids(page) == sorted(row[0] for row in CATALOG) and page.total == len(CATALOG)


def test_items_are_records_with_parsed_extra(catalog):
    item = list_items(catalog, text="p10").items[0]
    assert isinstance(item, Item)
    assert item.title == "Red Dress" and item.tags == ("a", "b") and item.extra == {"color": "red"}
    assert item.image_path.startswith("catalog/") and item.kind == "product"


@pytest.mark.parametrize(
    "text, kind, expected",
    [
        ("red", None, ["RED-7", "p10", "s01"]),  # title, id and description, any case
        ("NAVY", None, ["p02"]),
        ("navy", None, ["p02"]),
        ("red", "scene", ["s01"]),
        (None, "scene", ["s01"]),
        ("red", "product", ["RED-7", "p10"]),
        ("  ", None, sorted(row[0] for row in CATALOG)),  # blank text: no filter
        ("nothing like this", None, []),
        ("' OR 1=1 --", None, []),  # user text is data, never a filter expression
        ("'s \"dress", None, ["p11"]),
        ("%", None, []),  # no LIKE wildcards either
    ],
)
def test_filters(catalog, text, kind, expected):
    page = list_items(catalog, text=text, kind=kind)
    assert ids(page) == expected and page.total == len(expected)


def test_pagination(catalog):
    everything = ids(list_items(catalog))
    pages = [list_items(catalog, offset=offset, limit=4) for offset in (0, 4, 8)]
    assert [ids(page) for page in pages] == [everything[:4], everything[4:], []]
    assert all(page.total == len(CATALOG) for page in pages)


@pytest.mark.parametrize("options, needle", [({"offset": -1}, "offset"), ({"limit": 0}, "limit"),
                                             ({"limit": 10_000}, "limit"), ({"kind": "outfit"}, "product, scene")])
def test_bad_arguments(catalog, options, needle):
    with pytest.raises(ValueError, match=needle):
        list_items(catalog, **options)


def test_missing_table_says_how_to_fix(workspace):
    with pytest.raises(ItemsTableMissingError) as caught:
        list_items(workspace)
    assert str(workspace.root) in str(caught.value) and "workbench ingest" in str(caught.value)
