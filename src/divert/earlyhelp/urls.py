from django.urls import path

from divert.earlyhelp import views

app_name = "earlyhelp"

urlpatterns = [
    path("", views.index, name="index"),
]
