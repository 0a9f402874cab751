"""What a search tells its caller besides results: a query text cut to length (Explore shows it)."""


def test_a_text_cut_to_length_says_so_on_the_response(search_context):
    from engine.pipeline.config import load_config
    from engine.pipeline.search import search
    from engine.records import Query

    response = search(search_context, Query(text="red dress " * 80), load_config("baseline"), k=3)
    assert len(response.results) == 3
    assert any("500" in notice or "cut" in notice for notice in response.notices), response.notices
