"""http configs as files: the registry, placeholders, dotted paths and bad settings (no server needed)."""

import json

import pytest

from engine.external import HttpConfig, HttpConfigError, dig, fill_body, fill_url, ranking_from_reply
from engine.external.http_client import QueryFailed
from engine.pipeline.config import ConfigError, known_configs, load_config
from engine.workspace import Workspace

GOOD = """kind = "http"
description = "production search"
[http]
url = "http://127.0.0.1:9/search?q={text}&k={k}&item={item}"
results = "hits"
id = "id"
score = "score"
timeout_s = 2
headers = { Authorization = "Bearer ${SEARCH_TOKEN}" }
"""


def workspace_with(tmp_path, **files) -> Workspace:
    (tmp_path / "configs").mkdir(exist_ok=True)
    for name, text in files.items():
        (tmp_path / "configs" / f"{name}.toml").write_text(text)
    return Workspace(tmp_path)


def test_an_http_config_sits_in_the_one_registry_beside_the_built_in_ones(tmp_path):
    ws = workspace_with(tmp_path, prod=GOOD)
    assert "prod" in known_configs(ws) and "full" in known_configs(ws)
    config = load_config("prod", ws)
    assert isinstance(config, HttpConfig) and config.kind == "http" and config.name == "prod"
    assert config.http.headers == (("Authorization", "Bearer ${SEARCH_TOKEN}"),)
    assert config.endpoint == "http://127.0.0.1:9/search"
    assert load_config("full", ws).kind == "pipeline"


def test_a_name_in_both_places_is_an_error_naming_both_files(tmp_path):
    ws = workspace_with(tmp_path, full=GOOD)
    with pytest.raises(ConfigError, match=r"config name 'full' is defined twice: .*configs/full.toml and "
                                          r".*configs/full.toml"):
        load_config("full", ws)


def test_the_hash_covers_the_request_and_the_paths_but_not_the_description_or_politeness(tmp_path):
    base = load_config("prod", workspace_with(tmp_path, prod=GOOD))
    same = HttpConfig.from_dict({"kind": "http", "name": "other", "description": "x",
                                 "http": {**json.loads(json.dumps(base.to_dict()["http"])), "timeout_s": 9,
                                          "retries": 0, "rate_per_s": 3}})
    other = HttpConfig.from_dict({"kind": "http", "http": {**base.to_dict()["http"], "id": "_id"}})
    assert base.content_hash() == same.content_hash() != other.content_hash()
    assert "SEARCH_TOKEN" in json.dumps(base.to_dict()) and len(base.content_hash()) == 16


def test_headers_are_filled_from_the_environment_when_sent_and_an_unset_variable_is_named():
    config = HttpConfig.from_dict({"kind": "http", "http": {"url": "http://h/s?q={text}",
                                                            "headers": {"X-Key": "k=${KEY}; t=${TENANT}"}}})
    assert config.header_values({"KEY": "s3cret", "TENANT": "eu"}) == {"X-Key": "k=s3cret; t=eu"}
    with pytest.raises(HttpConfigError, match=r"\$\{TENANT\}, which is not set; export TENANT="):
        config.header_values({"KEY": "s3cret"})


def test_placeholders_are_url_encoded_in_urls_and_json_escaped_in_bodies():
    values = {"text": 'a "red" dress & co/é', "k": "5", "item": ""}
    assert fill_url("http://h/s?q={text}&k={k}&item={item}", values) == \
        "http://h/s?q=a%20%22red%22%20dress%20%26%20co%2F%C3%A9&k=5&item="
    body = fill_body('{"query": {"match": {"title": "{text}"}}, "size": {k}}', values)
    assert json.loads(body) == {"query": {"match": {"title": 'a "red" dress & co/é'}}, "size": 5}


def test_dotted_paths_read_objects_and_lists():
    reply = {"root": {"children": [{"fields": {"id": "a"}, "relevance": 2.5}, {"fields": {"id": 7}, "relevance": 1}]}}
    assert dig(reply, "root.children.1.fields.id") == 7
    settings = HttpConfig.from_dict({"kind": "http", "http": {"url": "http://h/", "results": "root.children",
                                                              "id": "fields.id", "score": "relevance"}}).http
    assert ranking_from_reply(reply, settings) == [("a", 2.5), ("7", 1.0)]
    with pytest.raises(QueryFailed, match=r"no results at \[http\] results = 'root.kids'.*its keys: children"):
        ranking_from_reply(reply, HttpConfig.from_dict({"kind": "http", "http": {"url": "http://h/",
                                                                                "results": "root.kids"}}).http)


@pytest.mark.parametrize("http, message", [
    ({"url": "http://h/s?q={query}"}, r"unknown placeholder \{query\}; known: \{text\}, \{item\}"),
    ({"url": "http://h/s?img={image_b64}"}, r"names \{image_b64\}, which only a POST body can carry"),
    ({"url": "http://h/s", "method": "PUT"}, "method 'PUT' is not supported"),
    ({"url": "http://h/s", "body": '{"q": "{text}"}'}, 'body is set but method is GET; use method = "POST"'),
    ({"url": "ftp://h/s"}, "must start with http:// or https://"),
    ({"url": "http://h/s", "results": "hits..hits"}, "is not a dotted path"),
    ({"url": "http://h/s", "timeout_s": 0}, "timeout_s must be > 0"),
    ({"url": "http://h/s", "retries": -1}, r"retries = -1; expected a number >= 0"),
    ({"url": "http://h/s", "headers": {"A": "${not a name}"}}, "not an environment variable name"),
    ({"url": "http://h/s", "colour": 1}, r"unknown \[http\] settings \['colour'\]"),
    ({}, r"\[http\] url is missing"),
])
def test_bad_http_configs_name_the_file_the_setting_and_the_fix(tmp_path, http, message):
    lines = ['kind = "http"', "[http]"] + [f"{k} = {json.dumps(v) if not isinstance(v, dict) else _table(v)}"
                                           for k, v in http.items()]
    ws = workspace_with(tmp_path, bad="\n".join(lines) + "\n")
    with pytest.raises(HttpConfigError, match=message) as error:
        load_config("bad", ws)
    assert "bad.toml" in str(error.value)


def _table(mapping: dict) -> str:
    return "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in mapping.items()) + " }"


def test_an_unknown_kind_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="kind = 'grpc' is unknown; known kinds: pipeline, http"):
        load_config("x", workspace_with(tmp_path, x='kind = "grpc"\n'))
