from django.urls import path

from divert.people import views

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
    path("add/", views.add_child, name="add"),
    path("<int:pk>/", views.child_summary, name="child"),
    path("<int:pk>/edit/", views.edit_child, name="edit"),
]
