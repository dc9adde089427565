"""Project URL wiring: each domain app owns its own URLs."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("divert.core.urls")),
    path("children/", include("divert.people.urls")),
    path("front-door/", include("divert.frontdoor.urls")),
    path("early-help/", include("divert.earlyhelp.urls")),
    path("cases/", include("divert.cases.urls")),
    path("care/", include("divert.care.urls")),
    path("panels/", include("divert.panels.urls")),
    path("placement-review/", include("divert.stepdown.urls")),
    path("permanence/", include("divert.permanence.urls")),
    path("chronology/", include("divert.chronology.urls")),
    path("forecast/", include("divert.forecast.urls")),
    path("carers/", include("divert.carers.urls")),
    path("providers/", include("divert.commissioning.urls")),
    path("programme/", include("divert.programme.urls")),
    path("indicators/", include("divert.indicators.urls")),
    path("returns/", include("divert.returns.urls")),
    path("privacy/", include("divert.privacy.urls")),
    path("audit/", include("divert.oversight.urls")),
    path("account/", include("divert.signin.urls")),
    path("api/", include("divert.api.urls")),
    path("admin/", admin.site.urls),
]
