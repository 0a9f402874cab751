"""The `workbench` command line, called in-process through main(argv)."""

import pytest

from workbench.cli import build_parser, main

CONTRACT_COMMANDS = {"demo", "app", "generate-sample", "ingest"}


def _commands():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return set(sub.choices)


def test_contract_commands_are_registered():
    assert CONTRACT_COMMANDS <= _commands()


@pytest.mark.parametrize("command", sorted(CONTRACT_COMMANDS))
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert command in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["generate-sample", "--n", "0"], "at least 1"),
        (["generate-sample", "--n", "many"], "whole number"),
        (["app", "--port", "70000"], "between 1 and 65535"),
        (["app", "--auth", "oidc"], "invalid choice"),
    ],
)
def test_bad_arguments_are_named(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_ingest_of_a_missing_file_names_it(tmp_path, capsys):
    status = main(["ingest", "--home", str(tmp_path / "ws"), "--images", str(tmp_path),
                   "--metadata", str(tmp_path / "nope.csv")])
    assert status == 2
    assert "nope.csv" in capsys.readouterr().err


def test_app_without_a_catalog_says_how_to_make_one(tmp_path, capsys):
    assert main(["app", "--home", str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err
    assert "workbench demo" in err or "workbench ingest" in err


def test_generate_sample_then_ingest(tmp_path, capsys):
    out = tmp_path / "cat"
    assert main(["generate-sample", "--n", "12", "--seed", "5", "--out", str(out), "--workers", "1"]) == 0
    assert "wrote 12 items" in capsys.readouterr().out
    home = tmp_path / "ws"
    args = ["ingest", "--home", str(home), "--images", str(out), "--metadata", str(out / "items.parquet")]
    assert main(args) == 0
    assert main(args) == 0  # idempotent
    from engine.index import count_items
    from engine.workspace import Workspace

    assert count_items(Workspace.resolve(home)) == 12
