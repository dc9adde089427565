from django.urls import path

from divert.permanence import views

app_name = "permanence"

urlpatterns = [
    path("", views.index, name="index"),
    path("plans-due/", views.overdue, name="overdue"),
    path("placed-with-parents/", views.at_home, name="at_home"),
    path("court-applications/", views.applications, name="applications"),
    path("court-applications/<int:pk>/", views.application_update, name="application"),
    path("adoption/", views.tracker, name="tracker"),
    path("children/<int:pk>/", views.child, name="child"),
    path("children/<int:child_pk>/plan/", views.plan_new, name="plan_new"),
    path("children/<int:child_pk>/court-applications/new/", views.application_new, name="application_new"),
]
