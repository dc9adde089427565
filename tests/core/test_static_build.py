"""The committed stylesheet must survive ``collectstatic`` (production serves hashed files)."""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "src" / "divert" / "core" / "static"


def test_every_file_the_stylesheet_refers_to_is_shipped() -> None:
    css = (STATIC / "divert" / "divert.css").read_text()
    for url in re.findall(r'url\("?(/static/[^")]+)"?\)', css):
        assert (STATIC / url.removeprefix("/static/")).is_file(), f"divert.css refers to missing {url}"
