"""The one extract step: the register of one authority, read into :class:`Frames`.

Nothing about a child is filtered here by the user's access: indicators are aggregate figures
about the whole authority, and the children behind a figure are fetched again through
``restrict`` when a person asks to see them (``queries.members``). Names are never read.

Speed: the querysets say *what* is read (the ORM writes the joins and keeps each model's
ordering, which some indicators rely on: an allocation frame ordered newest first per child),
but the rows are fetched on a plain cursor and turned into columns straight away. Django's
per-value converters and a Python generator per row cost about 2.5 s of the old 2.9 s on the
demo authority; the conversions left (local dates of contact times, decimals to floats) are
done once per column in Polars.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    DateField,
    DateTimeField,
    DecimalField,
    Field,
    FloatField,
    IntegerField,
    Model,
    QuerySet,
    TextField,
)
from django.db.models.functions import Cast

from divert.care.models import AdoptionRecord, Episode, LookedAfterReview, Visit
from divert.carers.models import FosterHousehold
from divert.cases.models import Assessment, ChildProtectionPlan, CINPlan, Conference, Section47
from divert.core.calendar import bank_holidays
from divert.core.models import PopulationEstimate
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.frontdoor.models import Contact, Referral
from divert.indicators.frames import SCHEMAS, Frames
from divert.panels.models import EdgeOfCareProposal
from divert.people.models import Allocation, Child


@functools.cache
def _holidays() -> tuple[dt.date, ...]:
    """Bank holidays 1990-2060, worked out once per process: they do not change with the register."""
    return tuple(bank_holidays())


def _field(model: type[Model], path: str) -> Field[Any, Any]:
    """The model field at the end of a ``values_list`` path such as ``worker__qualified_social_worker``.

    A foreign key (``carer_id``) stands for the key it holds: a plain number.
    """
    *hops, last = path.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model  # type: ignore[assignment]
    field = model._meta.pk if last == "pk" else model._meta.get_field(last)
    if field is None or field.is_relation:
        return IntegerField()
    return field  # type: ignore[return-value]


def _selected(model: type[Model], path: str) -> tuple[Any, str]:
    """What to select for a column, and how its raw values become the frame's.

    Dates and times are read as text and booleans and decimals as plain numbers, so the
    database driver hands over strings and numbers (Django's SQLite converters would build a
    Python object per value) and Polars parses each column in one step.
    """
    field = _field(model, path)
    if isinstance(field, DateTimeField):
        return Cast(path, output_field=TextField()), MOMENT
    if isinstance(field, DateField):
        return Cast(path, output_field=TextField()), DAY
    if isinstance(field, BooleanField):
        return Cast(path, output_field=IntegerField()), PLAIN
    if isinstance(field, DecimalField):
        return Cast(path, output_field=FloatField()), PLAIN
    return path, PLAIN


DAY, MOMENT, PLAIN = "day", "moment", "plain"


def _convert(series: pl.Series, kind: str, dtype: Any) -> pl.Series:
    """One column of database values (text for dates and times) as the frame's dtype.

    A moment (a contact received at 23:30 on a summer evening) becomes its local date, as a
    person in the authority would read it: the database gives it as UTC text, ``YYYY-MM-DD
    HH:MM:SS`` then fractions of a second and, on PostgreSQL, ``+00`` (Django sets each
    PostgreSQL connection's time zone to UTC), so the first 19 characters are the UTC time.
    """
    if kind == DAY:
        return series.cast(pl.String).str.to_date("%Y-%m-%d")
    if kind == MOMENT:
        utc = series.cast(pl.String).str.slice(0, 19).str.to_datetime("%Y-%m-%d %H:%M:%S", time_zone="UTC")
        return utc.dt.convert_time_zone(settings.TIME_ZONE).dt.date()
    if dtype == pl.Boolean and series.dtype == pl.String:  # PostgreSQL's CSV: booleans were cast to 0/1
        series = series.cast(pl.Int64)
    return series.cast(dtype)


def _fetched(sql: str, params: Any, names: list[str]) -> pl.DataFrame:
    """The rows on a plain cursor, as columns of whatever the driver gave (text, numbers, None)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return pl.DataFrame({name: pl.Series([], dtype=pl.String) for name in names})
    columns = zip(*rows, strict=True)
    return pl.DataFrame(
        [pl.Series(name, values, strict=False) for name, values in zip(names, columns, strict=True)]
    )


def _copied(sql: str, params: Any, names: list[str]) -> pl.DataFrame:
    """PostgreSQL: the rows as CSV straight from ``COPY ... TO STDOUT``, parsed by Polars.

    No Python object per value at all (the driver would build a string or a number for each
    of a few million values). Null is written as ``\\N`` so that a blank code stays ``""``.
    """
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, NULL '\\N')"
        with cursor.cursor.copy(statement, params) as copy:
            for block in copy:
                buffer.write(block)
    data = buffer.getvalue()
    if not data:
        return pl.DataFrame({name: pl.Series([], dtype=pl.String) for name in names})
    return pl.read_csv(
        data,
        has_header=False,
        new_columns=names,
        schema={name: pl.String for name in names},
        null_values="\\N",
        empty_string_is_null=False,
    )


def read(name: str, queryset: QuerySet[Any], paths: tuple[str, ...]) -> pl.DataFrame:
    """The ``paths`` of ``queryset``'s rows as the frame ``name`` (one path per schema column, in order).

    The rows come from the queryset's own SQL on a plain cursor (``COPY`` on PostgreSQL): no
    model instances and no per-value conversion in Python.
    """
    selected = [_selected(queryset.model, path) for path in paths]
    # The model's ordering, then the primary key: rows that tie (two allocations starting the
    # same day) come in the same order on every run and every database.
    ordering = [*(queryset.query.order_by or queryset.model._meta.ordering), "pk"]
    rows = queryset.order_by(*ordering).values_list(*(s for s, _ in selected))
    sql, params = rows.query.sql_with_params()
    schema = SCHEMAS[name]
    names = list(schema)
    raw = _copied(sql, params, names) if connection.vendor == "postgresql" else _fetched(sql, params, names)
    return pl.DataFrame(
        [
            _convert(raw[column], kind, dtype).alias(column)
            for (column, dtype), (_, kind) in zip(schema.items(), selected, strict=True)
        ]
    )


def sources(authority_id: int) -> dict[str, tuple[QuerySet[Any], tuple[str, ...]]]:
    """What each frame reads: the rows (with each model's own ordering) and one path per column."""
    mine = {"child__authority_id": authority_id}
    return {
        "children": (
            Child.objects.filter(authority_id=authority_id),
            ("pk", "sex", "date_of_birth", "uasc", "locality__name", "date_of_death"),
        ),
        "episodes": (
            Episode.objects.filter(**mine).order_by("child_id", "decom"),
            (
                "child_id",
                "decom",
                "rne",
                "ls",
                "cin",
                "place",
                "place_provider",
                "dec",
                "rec",
                "reason_place_change",
                "provider__name",
                "carer_id",
                "weekly_cost",
                "planned_end",
            ),
        ),
        "reviews": (LookedAfterReview.objects.filter(**mine), ("child_id", "date", "permanence_plan")),
        "visits": (Visit.objects.filter(**mine), ("child_id", "date")),
        "allocations": (
            Allocation.objects.filter(**mine),
            (
                "child_id",
                "worker_id",
                "worker__name",
                "worker__qualified_social_worker",
                "team__name",
                "team__kind",
                "start",
                "end",
            ),
        ),
        "contacts": (
            Contact.objects.filter(**mine),
            ("pk", "child_id", "received", "source", "decision", "decided"),
        ),
        "referrals": (
            Referral.objects.filter(**mine),
            ("pk", "child_id", "date", "source", "route", "decided", "re_referral", "closed"),
        ),
        "assessments": (Assessment.objects.filter(**mine), ("child_id", "start", "authorised")),
        "cin_plans": (CINPlan.objects.filter(**mine), ("child_id", "start", "end")),
        "section47s": (
            Section47.objects.filter(**mine),
            ("child_id", "strategy_discussion", "start", "icpc_required", "completed"),
        ),
        "cp_plans": (
            ChildProtectionPlan.objects.filter(**mine),
            ("pk", "child_id", "start", "end", "category", "earlier_plans_not_held"),
        ),
        "conferences": (
            Conference.objects.filter(**mine),
            ("child_id", "plan_id", "kind", "date", "plan_made"),
        ),
        "adoptions": (AdoptionRecord.objects.filter(**mine), ("child_id", "decision", "matched", "placed")),
        "households": (
            FosterHousehold.objects.filter(authority_id=authority_id),
            (
                "pk",
                "name",
                "kind",
                "status",
                "enquiry_date",
                "approval_date",
                "deregistration_date",
                "approved_places",
            ),
        ),
        "population": (
            PopulationEstimate.objects.filter(authority_id=authority_id),
            ("year", "children_0_17"),
        ),
        "proposals": (
            EdgeOfCareProposal.objects.filter(**mine),
            (
                "pk",
                "child_id",
                "proposed",
                "emergency",
                "accommodated_on",
                "meeting_id",
                "meeting__date",
                "meeting__kind",
                "decision",
            ),
        ),
        "early_help": (
            EarlyHelpEpisode.objects.filter(**mine),
            ("pk", "child_id", "start", "end", "outcome", "locality__name", "lead_professional__name"),
        ),
    }


@functools.cache
def apps_read() -> frozenset[str]:
    """The app labels of every model the frames read, following each column's path across relations."""
    labels: set[str] = set()
    for queryset, paths in sources(0).values():
        for path in paths:
            model: Any = queryset.model
            labels.add(model._meta.app_label)
            for hop in path.split("__")[:-1]:
                model = model._meta.get_field(hop).related_model
                labels.add(model._meta.app_label)
    return frozenset(labels)


def extract(authority_id: int) -> Frames:
    """Every table the indicators read, for one authority, as it stands in the register now."""
    frames: dict[str, Any] = {
        name: read(name, queryset, paths) for name, (queryset, paths) in sources(authority_id).items()
    }
    return Frames(**frames, holidays=_holidays())
