from django.urls import path

from divert.chronology import views

app_name = "chronology"

urlpatterns = [
    path("<int:pk>/", views.child, name="child"),
    path("<int:pk>/pdf/", views.child_pdf, name="pdf"),
    path("<int:pk>/events/new/", views.add_event, name="add_event"),
    path("events/<int:pk>/", views.event, name="event"),
    path("events/<int:pk>/correct/", views.correct_event, name="correct_event"),
    path("events/<int:pk>/remove/", views.remove_event, name="remove_event"),
]
