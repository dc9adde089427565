"""Which tables an export carries, in what order, and which schema they were written under.

An export carries every row of every Divert app (``divert.*``), users with their password
hashes, and the audit trail. It leaves out what belongs to one running installation rather
than to the authority: sessions, sign-in lockouts (``axes``), the task queue's rows, Django's
content types and permissions (rebuilt by ``migrate``) and the admin's log (which points at
content types). People's second factors (``django_otp``'s authenticator apps and backup
codes) travel with them, so nobody has to enrol again after a move. Many-to-many tables
linking a user to what stays behind (Django groups and permissions, which Divert does not
use: roles are ``User.role``) stay behind too.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.migrations.recorder import MigrationRecorder

#: Rows that ``migrate`` itself writes (``core.0005_register_version`` seeds the one register
#: version row). A freshly migrated installation holds them, so they do not make it "not
#: empty"; an import replaces them with the exported rows.
SEEDED_BY_MIGRATIONS = frozenset({"core.registerversion"})


#: Apps outside ``divert.*`` whose rows belong to the authority: each person's second factor.
ALSO_TRANSFERRED = frozenset({"django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"})


def is_divert_app(name: str) -> bool:
    """Whether the app's rows travel (its migrations must then match between installations)."""
    return name.startswith("divert.") or name in ALSO_TRANSFERRED


def transferred_models() -> list[type[models.Model]]:
    """Every Divert table, each after the tables its foreign keys point to."""
    chosen = [
        model
        for config in apps.get_app_configs()
        if is_divert_app(config.name)
        for model in config.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    kept = set(chosen)
    return _in_dependency_order([m for m in chosen if _targets(m) <= kept | {m}])


def _targets(model: type[models.Model]) -> set[type[models.Model]]:
    return {
        field.related_model  # type: ignore[misc]
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is not None
    }


def _in_dependency_order(chosen: list[type[models.Model]]) -> list[type[models.Model]]:
    """Order tables so each comes after those it points to (by label where free to choose).

    ``django.core.serializers.sort_dependencies`` orders by natural keys only (it would put
    ``core.User`` first and ignore every plain foreign key), so the order is worked out here
    from the foreign keys themselves. A cycle (a resource request and its chosen option point
    at each other) is broken at a table in it whose link round the cycle may be empty. The
    import loads any order anyway: foreign keys are checked once every row is in (Django
    creates them ``DEFERRABLE INITIALLY DEFERRED``); the order makes the file read naturally.
    """
    waiting = {model: _targets(model) - {model} for model in chosen}
    ordered: list[type[models.Model]] = []
    while waiting:
        ready = [m for m, deps in waiting.items() if not deps & waiting.keys()]
        if not ready:
            ready = [min(_cycle_breakers(waiting), key=label)]
        for model in sorted(ready, key=label):
            ordered.append(model)
            del waiting[model]
    return ordered


def _cycle_breakers(waiting: dict[type[models.Model], set[type[models.Model]]]) -> list[type[models.Model]]:
    """Tables in a cycle whose unmet links are all nullable (or, failing that, any in a cycle)."""
    in_cycle = [m for m in waiting if _reaches(m, m, waiting)]
    nullable = [m for m in in_cycle if not _required_targets(m) & (waiting.keys() - {m})]
    return nullable or in_cycle or list(waiting)


def _reaches(start: type[models.Model], goal: type[models.Model], graph: dict[Any, set[Any]]) -> bool:
    seen: set[Any] = set()
    stack = [t for t in graph[start] if t in graph]
    while stack:
        node = stack.pop()
        if node is goal:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(t for t in graph[node] if t in graph)
    return False


def _required_targets(model: type[models.Model]) -> set[type[models.Model]]:
    return {
        field.related_model  # type: ignore[misc]
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is not None and not field.null
    }


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """Each transferred app's latest applied migration (their names are numbered, so the greatest)."""
    latest: dict[str, str] = {}
    divert_labels = {c.label for c in apps.get_app_configs() if is_divert_app(c.name)}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        if app_label in divert_labels and name > latest.get(app_label, ""):
            latest[app_label] = name
    return dict(sorted(latest.items()))
