from django.urls import path

from divert.care import views

app_name = "care"

urlpatterns = [
    path("", views.index, name="index"),
    path("end-dates/", views.end_dates, name="end_dates"),
    path("placements/<int:pk>/planned-end/", views.planned_end, name="planned_end"),
    path("early-warning/", views.early_warning, name="early_warning"),
    path("children/<int:child_pk>/at-risk/", views.flag_new, name="flag_new"),
    path("at-risk/<int:pk>/", views.flag, name="flag"),
    path("at-risk/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
    path("children/<int:child_pk>/team-around-the-child/", views.meeting_new, name="meeting_new"),
    path("team-around-the-child/<int:pk>/", views.meeting, name="meeting"),
]
