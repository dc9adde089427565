"""The ``divert`` command is manage.py, and domain commands may be typed with hyphens."""

from __future__ import annotations

import pytest

from divert import cli


def run(monkeypatch: pytest.MonkeyPatch, *argv: str) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", seen.extend)
    cli.main(list(argv))
    return seen


def test_a_hyphenated_command_runs_the_underscored_django_command(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(monkeypatch, "demo-users", "--verbosity", "0") == ["divert", "demo_users", "--verbosity", "0"]


def test_options_and_plain_commands_pass_through_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(monkeypatch, "migrate", "--run-syncdb") == ["divert", "migrate", "--run-syncdb"]
    assert run(monkeypatch, "--version") == ["divert", "--version"]
