from django.urls import path

from divert.frontdoor import views

app_name = "frontdoor"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("information-requests/", views.requests, name="requests"),
]
