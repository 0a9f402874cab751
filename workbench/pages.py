"""The app's pages: file, title, icon and the least role that may open it. app.py builds the menu from this."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).parent / "app_pages"


@dataclass(frozen=True)
class PageSpec:
    file: str  # under workbench/app_pages/
    title: str
    icon: str
    role: str  # least role that may open it (see workbench.access.ROLES)

    @property
    def path(self) -> Path:
        return PAGES_DIR / self.file


PAGES = (
    PageSpec("label.py", "Label", ":material/rate_review:", "rater"),
    PageSpec("guideline.py", "Guideline", ":material/menu_book:", "rater"),
    PageSpec("explore.py", "Explore", ":material/travel_explore:", "researcher"),
    PageSpec("compare.py", "Compare", ":material/compare:", "researcher"),
    PageSpec("collections.py", "Collections", ":material/collections_bookmark:", "researcher"),
    PageSpec("dashboard.py", "Dashboard", ":material/monitoring:", "researcher"),
    PageSpec("catalog.py", "Catalog", ":material/grid_view:", "researcher"),
    PageSpec("admin.py", "Admin", ":material/admin_panel_settings:", "admin"),
)
