from django.urls import path

from divert.carers import views

app_name = "carers"

urlpatterns = [
    path("", views.index, name="index"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("adopters/", views.adopters, name="adopters"),
    path("capacity/", views.capacity, name="capacity"),
    path("inactive/", views.inactive, name="inactive"),
    path("households/<int:pk>/", views.household, name="household"),
    path("households/<int:pk>/review/", views.review, name="review"),
    path("children/<int:child_pk>/vacancies/", views.vacancies, name="vacancies"),
]
