from workbench.cli import build_parser, main


def test_parser_takes_the_documented_options(tmp_path):
    args = build_parser().parse_args(["train", "engagement", "--home", str(tmp_path), "--search-log", str(tmp_path),
                                      "--seed", "3", "--json"])
    assert (args.model, args.seed, args.json, args.search_log) == ("engagement", 3, True, tmp_path)


def test_unindexed_workspace_is_refused_with_the_command_to_run(tmp_path, capsys):
    assert main(["train", "engagement", "--home", str(tmp_path)]) == 2
    assert "run `workbench index --home" in capsys.readouterr().err


def test_missing_default_search_log_is_named(tmp_path, capsys):
    (tmp_path / "lancedb").mkdir()
    assert main(["train", "engagement", "--home", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "sample/search_log does not exist; pass --search-log DIR" in err
