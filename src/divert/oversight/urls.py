from django.urls import path

from divert.oversight import views

app_name = "oversight"

urlpatterns = [
    path("children/<int:pk>/", views.child_history, name="child"),
    path("children/<int:pk>/access-history.csv", views.child_history_csv, name="child_csv"),
    path("children/<int:pk>/access-history.pdf", views.child_history_pdf, name="child_pdf"),
    path("people/<int:pk>/", views.person_history, name="person"),
    path("people/<int:pk>/access-history.csv", views.person_history_csv, name="person_csv"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
