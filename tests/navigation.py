"""The page files an anonymous visitor reaches, read from dashboard.py without running it (shared by the tests
that walk every page, so a new page is walked as soon as the menu names it)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def page_files() -> list[str]:
    """Return the page files that dashboard.py names (read at collection time), admin-only pages left out.

    When dashboard.py builds its paths instead of writing them out, every file of pages/ is taken, and
    each must then be in the navigation.
    """
    entry = (ROOT / "dashboard.py").read_text("utf-8")
    named = dict.fromkeys(re.findall(r"""["'](pages/[\w./-]+\.py)["']""", entry))
    if not named:
        named = dict.fromkeys(p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "pages").glob("*.py")))
    admin_only = re.search(r"ADMIN_PAGES = \{([^}]*)\}", entry)
    admin = set(re.findall(r"""["'](pages/[\w./-]+\.py)["']""", admin_only.group(1))) if admin_only else set()
    # pages for admins only are not in an anonymous visitor's navigation: tests/browser/test_login.py opens them
    return [p for p in named if not Path(p).name.startswith("_") and p not in admin]
