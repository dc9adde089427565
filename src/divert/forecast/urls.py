from django.urls import path

from divert.forecast import views

app_name = "forecast"

urlpatterns = [
    path("", views.index, name="index"),
    path("compare/", views.compare, name="compare"),
    path("excel/", views.excel, name="excel"),
    path("scenarios/", views.scenarios, name="scenarios"),
    path("scenarios/new/", views.scenario_new, name="scenario_new"),
    path("scenarios/<int:pk>/", views.scenario_edit, name="scenario_edit"),
    path("scenarios/<int:pk>/delete/", views.scenario_delete, name="scenario_delete"),
]
