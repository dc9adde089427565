"""The read-only API under ``/api/v1/``: scorecard figures, pseudonymised children in care, monthly counts.

Every view is a :class:`ApiView`: a bearer token only (no session, so no CSRF), the user's role
in ``API_ROLES`` (``core.access.may_use_api``), GET/HEAD/OPTIONS only (anything else a 405), a
rate limit per token, and one audit row per request that a token authenticated. Lists are paged
by ``limit`` and ``offset`` with ``next`` and ``previous`` links.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from divert.api import queries
from divert.api.authentication import BearerTokenAuthentication
from divert.api.models import ApiToken
from divert.api.pagination import Pages
from divert.api.permissions import UsesApi
from divert.api.serializers import (
    ChildInCareRow,
    ChildrenQuery,
    FiguresQuery,
    IndicatorRow,
    MonthsQuery,
    MovementRow,
    ReferralRow,
    SeriesQuery,
    SeriesRow,
)
from divert.api.throttling import PerTokenThrottle
from divert.core import audit
from divert.core.models import AuditEvent
from divert.indicators import catalogue


class ApiView(GenericAPIView):
    """What every API view shares: token only, API roles only, read only, throttled, audited."""

    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [UsesApi]
    throttle_classes = [PerTokenThrottle]
    pagination_class = Pages
    http_method_names = ["get", "head", "options"]
    #: ``SEARCH`` for lists; ``VIEW`` for one thing's figures.
    audit_action = AuditEvent.Action.SEARCH

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        _audit(request, response.status_code, self.audit_action)
        return response

    def query(self, serializer: type[Serializer]) -> Serializer:
        """The query string checked against ``serializer``: a bad parameter is a 400 that names it."""
        checked = serializer(data=self.request.query_params)
        checked.is_valid(raise_exception=True)
        return checked

    def page_of(self, rows: Any, serializer: type[Serializer]) -> Response:
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(serializer(page, many=True).data)

    @property
    def authority_id(self) -> int:
        return int(self.request.user.authority_id)


def _audit(request: Request, status: int, action: str) -> None:
    """One row per request a token authenticated (refused ones too: a 403 or a 405 is worth knowing),
    except those over the rate limit, which read nothing and would let a loop grow the trail without end.

    The rows the API returns are pseudonymised, so no per-child row is written: the note keeps
    the path and query, which say exactly what was read.
    """
    token = getattr(request, "_auth", None)
    if (
        not isinstance(token, ApiToken) or status == 429
    ):  # a refused flood read nothing: keep the trail bounded
        return
    query = request.META.get("QUERY_STRING", "")
    note = f"{request.method} {request.path}{'?' + query if query else ''} -> {status}"
    audit.record(token.user, action, object_type="api", object_id=str(token.pk), note=note)


@extend_schema(parameters=[FiguresQuery], responses=IndicatorRow(many=True))
class IndicatorList(ApiView):
    """Every scorecard indicator for one period: value, previous, target, rating and benchmarks."""

    serializer_class = IndicatorRow

    def get(self, request: Request) -> Response:
        query = self.query(FiguresQuery)
        rows = queries.indicator_rows(self.authority_id, query.day(), query.frequency())
        return self.page_of(rows, IndicatorRow)


def _indicator_ids() -> list[str]:
    return [indicator.id for indicator in catalogue.indicators()]


@extend_schema(
    parameters=[
        SeriesQuery,
        OpenApiParameter(
            "indicator_id",
            str,
            OpenApiParameter.PATH,
            enum=_indicator_ids(),
            description="An id from indicators/",
        ),
    ],
    responses=SeriesRow(many=True),
)
class IndicatorSeries(ApiView):
    """One indicator's figure for each period: months, weeks or days up to ``as_at``."""

    serializer_class = SeriesRow
    audit_action = AuditEvent.Action.VIEW

    def get(self, request: Request, indicator_id: str) -> Response:
        try:
            indicator = catalogue.get(indicator_id)
        except KeyError as missing:
            raise Http404("No such indicator") from missing
        query = self.query(SeriesQuery)
        count = query.validated_data["periods"]
        rows = queries.series_rows(self.authority_id, indicator, query.day(), query.frequency(), count)
        return self.page_of(rows, SeriesRow)


@extend_schema(parameters=[ChildrenQuery], responses=ChildInCareRow(many=True))
class ChildrenInCare(ApiView):
    """One pseudonymised row per child looked after today whom the token's user may see."""

    serializer_class = ChildInCareRow

    def get(self, request: Request) -> Response:
        query = self.query(ChildrenQuery)
        episodes = queries.children_in_care(request.user, **query.validated_data)
        page = self.paginate_queryset(episodes)
        return self.get_paginated_response(ChildInCareRow(queries.child_rows(page or []), many=True).data)


@extend_schema(parameters=[MonthsQuery], responses=MovementRow(many=True))
class CareMovements(ApiView):
    """Children entering and leaving care, counted by calendar month (the scorecard's counts)."""

    serializer_class = MovementRow

    def get(self, request: Request) -> Response:
        span = self.query(MonthsQuery).validated_data
        rows = queries.monthly_counts(self.authority_id, queries.CARE_MOVEMENTS, span["first"], span["last"])
        return self.page_of(rows, MovementRow)


@extend_schema(parameters=[MonthsQuery], responses=ReferralRow(many=True))
class MonthlyReferrals(ApiView):
    """Referrals to children's social care, counted by calendar month."""

    serializer_class = ReferralRow

    def get(self, request: Request) -> Response:
        span = self.query(MonthsQuery).validated_data
        rows = queries.monthly_counts(self.authority_id, queries.REFERRALS, span["first"], span["last"])
        return self.page_of(rows, ReferralRow)


class Schema(SpectacularAPIView):
    """The OpenAPI 3 description: JSON by default, YAML with ``?format=yaml``; the same token as the rest."""

    renderer_classes = [OpenApiJsonRenderer2, OpenApiJsonRenderer, OpenApiYamlRenderer, OpenApiYamlRenderer2]
    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [UsesApi]
    throttle_classes = [PerTokenThrottle]
    http_method_names = ["get", "head", "options"]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        _audit(request, response.status_code, AuditEvent.Action.VIEW)
        return response
