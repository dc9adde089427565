from django.urls import path

from divert.panels import views

app_name = "panels"

urlpatterns = [
    path("", views.index, name="index"),
]
