"""The README tells the truth about the metadata columns and the commands that exist."""

import re
from pathlib import Path

from engine.catalog import columns_markdown
from workbench.cli import build_parser

README = (Path(__file__).parents[1] / "README.md").read_text()


def test_readme_metadata_columns_match_the_code():
    section = README.split("<!-- columns:start -->")[1].split("<!-- columns:end -->")[0]
    assert section.strip() == columns_markdown().strip(), (
        "README's column table is stale; replace the text between the columns markers with "
        "engine.catalog.columns_markdown()"
    )


def test_readme_lists_every_command_and_no_other():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    table = README.split("## Commands")[1].split("\n## ")[0]
    documented = set(re.findall(r"^\| `workbench ([a-z-]+)", table, flags=re.M))
    assert documented == set(sub.choices)


def test_readme_test_command_is_what_ci_runs():
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text()
    assert "make test" in README and ci.strip().splitlines()[-1] == "make test"
