"""The README's Screenshots section shows the pictures the browser test takes, and they are in the repository."""

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
SHOTS = ("explore", "label", "compare")  # what tests/e2e/test_browser.py saves to docs/screenshots/


def test_readme_screenshots_exist_and_are_pngs():
    section = (ROOT / "README.md").read_text().split("## Screenshots")[1].split("\n## ")[0]
    linked = re.findall(r"!\[[^\]]*\]\((docs/screenshots/[^)]+)\)", section)
    assert linked == [f"docs/screenshots/{name}.png" for name in SHOTS]
    for path in linked:
        data = (ROOT / path).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG; rerun tests/e2e/test_browser.py"
