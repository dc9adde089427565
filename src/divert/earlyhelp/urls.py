from django.urls import path

from divert.earlyhelp import views

app_name = "earlyhelp"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.episode, name="episode"),
    path("<int:pk>/assessment/", views.assessment, name="assessment"),
    path("<int:pk>/intervention/", views.intervention, name="intervention"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/step-up/", views.step_up, name="step_up"),
    path("children/<int:child_pk>/step-down/", views.step_down, name="step_down"),
]
