"""A damaged, altered or mismatched file, or a database that is not empty, is refused with nothing written."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from divert.core.models import AuditEvent
from divert.transfer.export import MANIFEST, export_all
from divert.transfer.load import ArchiveError, import_all
from tests.conftest import World
from tests.transfer.helpers import empty_installation, fingerprint

Edit = Callable[[dict[str, bytes]], object]


@pytest.fixture
def exported(world: World, tmp_path: Path) -> Path:
    """The world exported, then the installation emptied as if freshly migrated."""
    path = tmp_path / "world.zip"
    export_all(path)
    empty_installation()
    return path


def rewrite(path: Path, edit: Edit, *, fix_manifest: bool = False) -> Path:
    """A copy of the archive with its members changed by ``edit`` (and, if asked, a manifest to match)."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    edit(members)
    if fix_manifest:
        manifest = json.loads(members[MANIFEST])
        for table in manifest["tables"]:
            data = members[table["file"]]
            table["rows"], table["sha256"] = data.count(b"\n"), hashlib.sha256(data).hexdigest()
        members[MANIFEST] = json.dumps(manifest).encode()
    changed = path.with_name("changed.zip")
    with zipfile.ZipFile(changed, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return changed


def users_file(members: dict[str, bytes]) -> str:
    return next(name for name in members if name.endswith("-core.user.jsonl"))


def refused(path: Path, message: str) -> None:
    """The import fails with ``message`` and the installation is still empty."""
    before = fingerprint()
    with pytest.raises(ArchiveError, match=message):
        import_all(path)
    assert fingerprint() == before


def test_a_file_that_does_not_match_its_checksum_is_refused(exported: Path) -> None:
    def alter(members: dict[str, bytes]) -> None:
        name = users_file(members)
        members[name] = members[name].replace(b'"alice"', b'"alicf"')

    refused(rewrite(exported, alter), "does not match its SHA-256 checksum")


def test_a_truncated_file_is_refused(exported: Path) -> None:
    def truncate(members: dict[str, bytes]) -> None:
        name = users_file(members)
        members[name] = members[name][:-40]

    refused(rewrite(exported, truncate), "checksum")


def test_a_malformed_line_is_named_by_file_and_line(exported: Path) -> None:
    def break_second_line(members: dict[str, bytes]) -> None:
        name = users_file(members)
        lines = members[name].split(b"\n")
        lines[1] = lines[1][:-30]
        members[name] = b"\n".join(lines)

    refused(rewrite(exported, break_second_line, fix_manifest=True), r"-core\.user\.jsonl line 2: ")


def test_a_value_the_model_cannot_hold_is_named_by_file_and_line(exported: Path) -> None:
    def bad_date(members: dict[str, bytes]) -> None:
        name = next(n for n in members if n.endswith("-people.child.jsonl"))
        members[name] = members[name].replace(b'"2012-05-17"', b'"the seventeenth of May"')

    refused(rewrite(exported, bad_date, fix_manifest=True), r"-people\.child\.jsonl line 1: ")


def test_a_link_to_a_missing_row_is_refused_and_rolled_back(exported: Path) -> None:
    def drop_teams(members: dict[str, bytes]) -> None:
        members[next(n for n in members if n.endswith("-people.team.jsonl"))] = b""

    refused(rewrite(exported, drop_teams, fix_manifest=True), "do not link up")


def test_a_file_from_other_migrations_is_refused(exported: Path) -> None:
    def older(members: dict[str, bytes]) -> None:
        manifest = json.loads(members[MANIFEST])
        manifest["migrations"]["core"] = "0001_initial"
        members[MANIFEST] = json.dumps(manifest).encode()

    refused(rewrite(exported, older), r"core: file 0001_initial.*Run `divert migrate`")


def test_a_file_without_a_manifest_is_refused(exported: Path) -> None:
    refused(rewrite(exported, lambda members: members.pop(MANIFEST)), "manifest.json is missing")


def test_loading_into_an_installation_that_holds_data_is_refused(world: World, tmp_path: Path) -> None:
    path = tmp_path / "world.zip"
    export_all(path)
    refused(path, "already holds data")


def test_a_dry_run_checks_the_file_and_writes_nothing(exported: Path) -> None:
    before = fingerprint()
    counts = import_all(exported, dry_run=True)
    assert counts["people.child"] == 3
    assert fingerprint() == before
    assert not AuditEvent.objects.exists()


def test_the_command_says_nothing_was_written(exported: Path) -> None:
    with pytest.raises(CommandError, match=r"already holds data.*Nothing was written"):
        call_command("import_all", str(exported))  # the first load succeeds, the second is refused
        call_command("import_all", str(exported))


def test_the_export_command_never_overwrites_a_file(world: World, tmp_path: Path) -> None:
    existing = tmp_path / "kept.zip"
    existing.write_bytes(b"an earlier export")
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_all", output=str(existing))
    assert existing.read_bytes() == b"an earlier export"
