from django.urls import path

from divert.care import views

app_name = "care"

urlpatterns = [
    path("", views.index, name="index"),
    path("end-dates/", views.end_dates, name="end_dates"),
]
