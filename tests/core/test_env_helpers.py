"""Settings from the environment fail loudly on bad values, and secrets may come from files."""

from __future__ import annotations

import pytest

from divert.env import ConfigError, envbool, envint, envlist, envstr


@pytest.mark.parametrize("raw", ["1", "true", "Yes", " on "])
def test_envbool_reads_the_usual_ways_of_saying_true(monkeypatch, raw):
    monkeypatch.setenv("X", raw)
    assert envbool("X", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "NO", "off", ""])
def test_envbool_reads_the_usual_ways_of_saying_false(monkeypatch, raw):
    monkeypatch.setenv("X", raw)
    assert envbool("X", True) is False


def test_envbool_refuses_a_value_that_is_not_a_boolean(monkeypatch):
    monkeypatch.setenv("X", "maybe")
    with pytest.raises(ConfigError, match="X='maybe' is not a boolean"):
        envbool("X", False)


def test_envbool_uses_the_default_only_when_unset(monkeypatch):
    monkeypatch.delenv("X", raising=False)
    assert envbool("X", True) is True


def test_envint_refuses_words(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ConfigError, match="not a whole number"):
        envint("N", 3)


def test_envint_reads_numbers_and_defaults_when_blank(monkeypatch):
    monkeypatch.setenv("N", "42")
    assert envint("N", 3) == 42
    monkeypatch.setenv("N", " ")
    assert envint("N", 3) == 3


def test_a_secret_is_read_from_the_file_named_by_name_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("s3cret-from-a-file\n", encoding="utf-8")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert envstr("SECRET_KEY") == "s3cret-from-a-file"


def test_an_unreadable_name_file_stops_start_up(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match=r"SECRET_KEY_FILE=.* cannot be read"):
        envstr("SECRET_KEY")


def test_envstr_falls_back_to_the_variable_and_then_the_default(monkeypatch):
    monkeypatch.delenv("NAME_FILE", raising=False)
    monkeypatch.delenv("NAME", raising=False)
    assert envstr("NAME", "fallback") == "fallback"
    monkeypatch.setenv("NAME", "given")
    assert envstr("NAME", "fallback") == "given"


def test_envlist_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert envlist("HOSTS", []) == ["a.example", "b.example"]
