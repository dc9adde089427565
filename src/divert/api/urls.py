"""The API (``/api/v1/``, bearer tokens only) and the pages where people manage their tokens."""

from django.urls import path

from divert.api import pages, views

app_name = "api"
urlpatterns = [
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/new/", pages.create, name="token_new"),
    path("tokens/<int:pk>/revoke/", pages.revoke, name="token_revoke"),
    path("v1/indicators/", views.IndicatorList.as_view(), name="indicators"),
    path(
        "v1/indicators/<str:indicator_id>/series/", views.IndicatorSeries.as_view(), name="indicator_series"
    ),
    path("v1/children-in-care/", views.ChildrenInCare.as_view(), name="children_in_care"),
    path("v1/care-movements/", views.CareMovements.as_view(), name="care_movements"),
    path("v1/referrals/monthly/", views.MonthlyReferrals.as_view(), name="referrals_monthly"),
    path("v1/schema/", views.Schema.as_view(), name="schema"),
]
