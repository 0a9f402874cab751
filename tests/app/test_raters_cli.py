"""`workbench raters add|list` and `workbench app --auth password`'s refusal to start without an admin who can sign in."""

from __future__ import annotations

import io
import json

import pytest

from labels import open_store
from workbench.cli import main
from workbench.commands.raters import read_secret

from .labeling_workspace import make_workspace


class Piped(io.StringIO):
    def isatty(self) -> bool:
        return False


@pytest.fixture
def home(tmp_path, ingested_workspace):
    return make_workspace(tmp_path / "ws", ingested_workspace)


def add(home, monkeypatch, *args: str, secret: str = "a-long-secret\n") -> int:
    monkeypatch.setattr("sys.stdin", Piped(secret))
    return main(["raters", "add", "--home", str(home.root), *args])


def test_add_reads_the_secret_from_stdin_and_list_shows_the_rater(home, monkeypatch, capsys):
    assert add(home, monkeypatch, "--id", "ada", "--name", "Ada L", "--role", "admin") == 0
    assert "added admin ada (Ada L)" in capsys.readouterr().out
    with open_store(home.judgments_path) as store:
        assert store.check_credentials("ada", "a-long-secret")  # the line's end is not part of the secret
    assert main(["raters", "list", "--home", str(home.root), "--json"]) == 0
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {k: row[k] for k in ("rater_id", "name", "role", "simulated")} == {
        "rater_id": "ada", "name": "Ada L", "role": "admin", "simulated": False}
    assert main(["raters", "list", "--home", str(home.root)]) == 0
    captured = capsys.readouterr()
    assert captured.out.split() == ["ada", "admin", "Ada", "L"]
    assert "admins who can sign in: ada" in captured.err


@pytest.mark.parametrize("secret, message", [("short\n", "at least 8 characters"), ("", "no secret on stdin")])
def test_a_missing_or_short_secret_is_refused(home, monkeypatch, capsys, secret, message):
    assert add(home, monkeypatch, "--id", "x", "--name", "X", "--role", "rater", secret=secret) == 2
    assert message in capsys.readouterr().err
    assert not home.judgments_path.exists() or open_store(home.judgments_path).raters() == []


def test_a_duplicate_id_is_refused(home, monkeypatch, capsys):
    assert add(home, monkeypatch, "--id", "x", "--name", "X", "--role", "rater") == 0
    assert add(home, monkeypatch, "--id", "x", "--name", "Y", "--role", "rater") == 2
    assert "rater id 'x' already exists" in capsys.readouterr().err


def test_the_secret_is_never_an_argument(home, capsys):
    with pytest.raises(SystemExit):
        main(["raters", "add", "--home", str(home.root), "--id", "x", "--name", "X", "--role", "rater",
              "--secret", "a-long-secret"])
    assert "unrecognized arguments" in capsys.readouterr().err


def test_an_unknown_role_is_refused_by_argparse(home, capsys):
    with pytest.raises(SystemExit):
        main(["raters", "add", "--home", str(home.root), "--id", "x", "--name", "X", "--role", "boss"])
    assert "invalid choice: 'boss'" in capsys.readouterr().err


def test_a_prompt_asks_twice_and_the_two_must_match(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter(["first-secret", "other-secret"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(ValueError, match="the two secrets differ"):
        read_secret(Terminal())
    answers = iter(["same-secret", "same-secret"])
    assert read_secret(Terminal()) == "same-secret"


def test_list_without_a_store_names_the_fix(home, capsys):
    assert main(["raters", "list", "--home", str(home.root)]) == 2
    assert "workbench raters add" in capsys.readouterr().err


def test_app_password_mode_refuses_to_start_without_an_admin_secret(home, monkeypatch, capsys):
    started = []
    monkeypatch.setattr("workbench.server.serve", lambda *a, **k: started.append(a) or 0)
    assert add(home, monkeypatch, "--id", "ann", "--name", "Ann", "--role", "rater") == 0
    assert main(["app", "--home", str(home.root), "--auth", "password"]) == 2
    assert "workbench raters add --id ID --name NAME --role admin" in capsys.readouterr().err
    assert started == []
    assert add(home, monkeypatch, "--id", "ada", "--name", "Ada", "--role", "admin") == 0
    assert main(["app", "--home", str(home.root), "--auth", "password", "--port", "8600"]) == 0
    assert started == [(home, 8600, "password", None)]  # every interface: raters sign in
    assert main(["app", "--home", str(home.root)]) == 0
    assert started[-1] == (home, 8501, "none", "127.0.0.1")  # --auth none stays on localhost


@pytest.mark.parametrize(("rater_id", "message"), [
    (" rat2 ", "has spaces at its ends, so nobody could sign in with it; use 'rat2'"),
    ("tab\there", "must be printable text"),
    ("x" * 65, "at most 64 characters"),
])
def test_an_id_nobody_could_sign_in_with_is_refused(home, monkeypatch, capsys, rater_id, message):
    assert add(home, monkeypatch, "--id", rater_id, "--name", "R", "--role", "rater") == 2
    assert message in capsys.readouterr().err
    with open_store(home.judgments_path) as store:
        assert rater_id not in {r.rater_id for r in store.raters()}


def test_role_change_secret_reset_and_removal_keep_the_judgments(home, monkeypatch, capsys):
    assert add(home, monkeypatch, "--id", "bo", "--name", "Bo", "--role", "rater") == 0
    with open_store(home.judgments_path) as store:
        store.add_query_set("s")
        from labels.records import QueryRecord

        store.add_queries([QueryRecord("s:1", "s", "text", "red dress")])
        judged_before = len(store.judgments_frame())
    assert main(["raters", "role", "--home", str(home.root), "--id", "bo", "--role", "researcher"]) == 0
    monkeypatch.setattr("sys.stdin", Piped("another-long-secret\n"))
    assert main(["raters", "reset-secret", "--home", str(home.root), "--id", "bo"]) == 0
    with open_store(home.judgments_path) as store:
        assert store.rater("bo").role == "researcher"
        assert not store.check_credentials("bo", "a-long-secret")
        assert store.check_credentials("bo", "another-long-secret")
    assert main(["raters", "remove", "--home", str(home.root), "--id", "bo"]) == 0
    assert main(["raters", "remove", "--home", str(home.root), "--id", "bo"]) == 2
    assert "already removed" in capsys.readouterr().err
    with open_store(home.judgments_path) as store:
        assert not store.check_credentials("bo", "another-long-secret")
        assert "bo" in store.removed_raters() and "bo" in {r.rater_id for r in store.raters()}
        assert len(store.judgments_frame()) == judged_before
    assert main(["raters", "list", "--home", str(home.root), "--json"]) == 0
    rows = {json.loads(line)["rater_id"]: json.loads(line) for line in capsys.readouterr().out.splitlines()}
    assert rows["bo"]["removed"] is True
    assert main(["raters", "role", "--home", str(home.root), "--id", "nobody", "--role", "admin"]) == 2
