"""An authority exported and loaded into an empty installation comes back row for row."""

from __future__ import annotations

import datetime as dt
import json
import stat
import zipfile
from pathlib import Path
from typing import cast

import pytest
from django.core.management import call_command
from django.db.models import Model
from django_otp.plugins.otp_totp.models import TOTPDevice

from divert.core import audit
from divert.core.models import AuditEvent, Authority, User
from divert.core.roles import Role
from divert.people.models import Team
from divert.transfer.export import MANIFEST, export_all
from divert.transfer.load import import_all
from divert.transfer.selection import applied_migrations, label, transferred_models
from tests.conftest import make_user
from tests.transfer.helpers import empty_installation, fingerprint


@pytest.fixture
def authority(db: None) -> Authority:
    """A small synthetic authority (1,000 children, a year of history), two users and some audit rows."""
    call_command("synth", children=1000, years=1, today=dt.date(2026, 3, 31), verbosity=0)
    authority = Authority.objects.get()
    alice = make_user("alice", Role.SOCIAL_WORKER, authority, Team.objects.order_by("pk").first())
    make_user("adam", Role.ADMIN, authority)
    TOTPDevice.objects.create(user=alice, name="Alice's phone", confirmed=True)
    audit.record(alice, AuditEvent.Action.VIEW, alice, note="looked at herself")
    return authority


def test_an_exported_authority_loads_back_row_for_row(authority: Authority, tmp_path: Path) -> None:
    path = tmp_path / "authority.zip"
    export_all(path)
    before = fingerprint()
    assert before["people.child"][0] >= 100
    assert before["core.auditevent"][0] >= 3  # the synthetic load, the view, the export itself

    empty_installation()
    assert all(rows == 0 for rows, _ in fingerprint().values() if rows != 1)
    counts = import_all(path)

    after = fingerprint()
    loads = AuditEvent.objects.filter(action=AuditEvent.Action.LOAD, object_type="transfer.import")
    assert loads.count() == 1
    assert after.pop("core.auditevent")[0] == before.pop("core.auditevent")[0] + 1
    after.pop("core.registerversion"), before.pop("core.registerversion")
    assert after == before
    assert counts["people.child"] == before["people.child"][0]


def test_the_audit_trail_keeps_its_times_and_ids(authority: Authority, tmp_path: Path) -> None:
    path = tmp_path / "authority.zip"
    export_all(path)
    trail = list(AuditEvent.objects.order_by("pk").values_list("pk", "at", "actor__username", "action"))
    empty_installation()
    import_all(path)
    loaded = AuditEvent.objects.order_by("pk").values_list("pk", "at", "actor__username", "action")
    assert list(loaded)[: len(trail)] == trail


def test_users_keep_their_passwords_and_second_factors(authority: Authority, tmp_path: Path) -> None:
    path = tmp_path / "authority.zip"
    export_all(path)
    empty_installation()
    import_all(path)
    alice = User.objects.get(username="alice")
    assert alice.check_password("correct-horse-battery-staple")
    assert TOTPDevice.objects.get(user=alice).confirmed  # no need to enrol the authenticator app again


def test_new_rows_after_a_load_take_new_ids(authority: Authority, tmp_path: Path) -> None:
    path = tmp_path / "authority.zip"
    export_all(path)
    highest = Team.objects.order_by("-pk").values_list("pk", flat=True)[0]
    empty_installation()
    import_all(path)
    team = Team.objects.create(authority=authority, name="New team", kind=Team.Kind.CHILDREN_IN_CARE)
    assert team.pk > highest
    assert make_user("newcomer", Role.ANALYST, authority).pk > 0


def test_the_file_is_private_and_describes_itself(world: object, tmp_path: Path) -> None:
    path = tmp_path / "authority.zip"
    written = export_all(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        first_user = json.loads(archive.read(_file(manifest, "core.user")).splitlines()[0])
    assert manifest["migrations"] == applied_migrations()
    assert [t["model"] for t in manifest["tables"]] == [label(m) for m in transferred_models()]
    assert {t["model"]: t["rows"] for t in manifest["tables"]} == written.counts
    assert first_user["fields"]["password"].startswith(("pbkdf2", "argon2", "md5", "scrypt"))
    assert not any(name.startswith("data/") and "session" in name for name in _names(path))


def test_the_export_is_audited_once(world: object, tmp_path: Path) -> None:
    before = AuditEvent.objects.count()
    export_all(tmp_path / "authority.zip")
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.filter(object_type="transfer.export").count() == 1


def test_tables_come_after_the_tables_they_point_to() -> None:
    """Bar links round a cycle (an early help episode and its contact), which must be nullable."""
    order = transferred_models()
    for position, model in enumerate(order):
        for field in model._meta.concrete_fields:
            target = cast(type[Model], field.related_model)
            if field.is_relation and target is not model and order.index(target) > position:
                assert field.null, f"{label(model)}.{field.name} points ahead and cannot be empty"
                assert _reaches(target, model), f"{label(model)}.{field.name} points ahead outside a cycle"


def test_sessions_lockouts_and_the_task_queue_stay_behind() -> None:
    labels = {label(m) for m in transferred_models()}
    assert {"core.user", "core.auditevent", "otp_totp.totpdevice", "otp_static.statictoken"} <= labels
    assert not labels & {"sessions.session", "contenttypes.contenttype", "auth.permission", "admin.logentry"}
    assert not any(name.startswith(("axes.", "django_tasks_db.")) for name in labels)


def _file(manifest: dict[str, list[dict[str, str]]], model: str) -> str:
    return next(t["file"] for t in manifest["tables"] if t["model"] == model)


def _names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def _reaches(start: type[Model], goal: type[Model]) -> bool:
    seen, stack = set(), [start]
    while stack:
        model = stack.pop()
        if model is goal:
            return True
        if model not in seen:
            seen.add(model)
            stack.extend(
                cast(type[Model], f.related_model) for f in model._meta.concrete_fields if f.is_relation
            )
    return False
