"""The API's query parameters (checked, so a bad one is a 400 that names it) and its rows' shapes.

Rows are built by ``queries``; these serializers only describe and render them, so the OpenAPI
document says exactly which fields a row has.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from divert.core.codes import LegalStatus, Placement
from divert.indicators.periods import Frequency

EARLIEST = dt.date(2000, 1, 1)  # no register Divert reads goes back further
MAX_PERIODS = {Frequency.MONTH: 120, Frequency.WEEK: 260, Frequency.DAY: 366}
MAX_MONTHS = 240  # the longest span care-movements returns in one request
PERIOD_NAMES = {
    "month": Frequency.MONTH,
    "monthly": Frequency.MONTH,
    "week": Frequency.WEEK,
    "weekly": Frequency.WEEK,
    "day": Frequency.DAY,
    "daily": Frequency.DAY,
}


def _latest() -> dt.date:
    return timezone.localdate()


def _in_range(day: dt.date) -> dt.date:
    if not EARLIEST <= day <= _latest():
        raise serializers.ValidationError(f"Give a date from {EARLIEST.isoformat()} to today.")
    return day


class FiguresQuery(serializers.Serializer):
    as_at = serializers.DateField(
        required=False, help_text="The last day of the figures (YYYY-MM-DD); today when not given."
    )
    period = serializers.ChoiceField(
        choices=sorted(PERIOD_NAMES),
        default="month",
        help_text="month (monthly), week (weekly) or day (daily).",
    )

    def validate_as_at(self, value: dt.date) -> dt.date:
        return _in_range(value)

    def frequency(self) -> Frequency:
        return PERIOD_NAMES[self.validated_data["period"]]

    def day(self) -> dt.date:
        day: dt.date = self.validated_data.get("as_at") or _latest()
        return day


class SeriesQuery(FiguresQuery):
    periods = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=max(MAX_PERIODS.values()),
        help_text="How many periods, ending with the one containing as_at: default 24; "
        "at most 120 months, 260 weeks or 366 days.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        frequency = PERIOD_NAMES[attrs.get("period", "month")]
        count = attrs.get("periods", 24)
        if count > MAX_PERIODS[frequency]:
            raise serializers.ValidationError(
                {"periods": f"At most {MAX_PERIODS[frequency]} for {frequency}."}
            )
        attrs["periods"] = count
        return attrs


class MonthsQuery(serializers.Serializer):
    from_ = serializers.RegexField(
        r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        help_text="First month, YYYY-MM; 23 months before 'to' if not given.",
    )
    to = serializers.RegexField(
        r"^\d{4}-(0[1-9]|1[0-2])$", required=False, help_text="Last month, YYYY-MM; this month if not given."
    )

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # "from" is a Python keyword
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        today = _latest()
        last = _month(attrs["to"]) if attrs.get("to") else today.replace(day=1)
        first = _month(attrs["from"]) if attrs.get("from") else _add_months(last, -23)
        if last > today:
            raise serializers.ValidationError({"to": "The last month cannot be after this month."})
        if first < EARLIEST:
            raise serializers.ValidationError({"from": f"The first month cannot be before {EARLIEST:%Y-%m}."})
        if first > last:
            raise serializers.ValidationError({"from": "The first month must not be after the last."})
        if _months_between(first, last) >= MAX_MONTHS:
            raise serializers.ValidationError({"from": f"Ask for at most {MAX_MONTHS} months at a time."})
        end = (
            today
            if (last.year, last.month) == (today.year, today.month)
            else _add_months(last, 1) - dt.timedelta(days=1)
        )
        return {"first": first, "last": end}


def _month(text: str) -> dt.date:
    year, month = text.split("-")
    if int(year) < 1:
        raise serializers.ValidationError({"from": "Give a month as YYYY-MM."})
    return dt.date(int(year), int(month), 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _months_between(first: dt.date, last: dt.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


class ChildrenQuery(serializers.Serializer):
    placement_type = serializers.ChoiceField(
        choices=Placement.choices, required=False, help_text="SSDA903 placement type code, e.g. U4"
    )
    legal_status = serializers.ChoiceField(
        choices=LegalStatus.choices, required=False, help_text="SSDA903 legal status code, e.g. C2"
    )


class IndicatorRow(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    section = serializers.CharField()
    unit = serializers.CharField()
    good_direction = serializers.CharField(help_text="up, down or neither")
    frequency = serializers.CharField()
    period_start = serializers.DateField()
    as_at = serializers.DateField()
    value = serializers.FloatField(allow_null=True)
    previous = serializers.FloatField(allow_null=True, help_text="The figure for the period before")
    target = serializers.FloatField(allow_null=True, help_text="Pro-rated to the period for counts of events")
    rag = serializers.CharField(help_text="green, amber, red or none")
    england = serializers.FloatField(allow_null=True)
    comparator = serializers.FloatField(
        allow_null=True, help_text="Comparator (statistical neighbour) authorities"
    )
    benchmark_year = serializers.IntegerField(allow_null=True)


class SeriesRow(serializers.Serializer):
    indicator = serializers.CharField()
    frequency = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField(help_text="The period's last day (today for the current period)")
    value = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)


class ChildInCareRow(serializers.Serializer):
    pseudonym = serializers.CharField(help_text="Stable per installation; names no one")
    age_band = serializers.CharField(help_text="under 1, 1-4, 5-9, 10-15 or 16+")
    sex = serializers.CharField()
    ethnicity = serializers.CharField(help_text="DfE ethnicity code")
    legal_status = serializers.CharField(help_text="SSDA903 LS code")
    placement_type = serializers.CharField(help_text="SSDA903 PLACE code")
    place_provider = serializers.CharField(help_text="SSDA903 PLACE_PROVIDER code")
    provider_sector = serializers.CharField(
        help_text="in-house, other local authority, private, voluntary ..."
    )
    independent = serializers.BooleanField(help_text="Private or voluntary provision")
    weekly_cost = serializers.DecimalField(max_digits=9, decimal_places=2, coerce_to_string=False)
    episode_start = serializers.DateField()
    locality = serializers.CharField()
    team = serializers.CharField(help_text="The allocated team today, if any")


class MovementRow(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    month_start = serializers.DateField()
    month_end = serializers.DateField(help_text="Today for the current month")
    entries = serializers.IntegerField(help_text="Children who started to be looked after")
    exits = serializers.IntegerField(help_text="Children who ceased to be looked after")


class ReferralRow(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    month_start = serializers.DateField()
    month_end = serializers.DateField()
    referrals = serializers.IntegerField()
