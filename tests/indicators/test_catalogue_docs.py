"""docs/indicators.md is the catalogue as declared: regenerate it when an indicator changes."""

from __future__ import annotations

from pathlib import Path

from divert.indicators.management.commands.indicators import markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"


def test_the_indicator_documentation_matches_the_catalogue() -> None:
    assert DOC.read_text() == markdown(), "run: DEBUG=1 divert indicators --markdown > docs/indicators.md"


def test_every_indicator_is_documented_with_its_definition() -> None:
    from divert.indicators.catalogue import indicators

    text = DOC.read_text()
    for ind in indicators():
        assert f"(`{ind.id}`)" in text and ind.definition in text
