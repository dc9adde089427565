from django.urls import path

from divert.stepdown import views

app_name = "stepdown"

urlpatterns = [
    path("", views.index, name="index"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/children/<int:child_pk>/", views.decide, name="decide"),
    path("meetings/<int:pk>/close/", views.close, name="close"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/fee/", views.agree_fee, name="agree_fee"),
    path("plans/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("savings/", views.savings_page, name="savings"),
    path("savings.csv", views.savings_csv, name="savings_csv"),
]
