from django.urls import path

from divert.privacy import views

app_name = "privacy"

urlpatterns = [
    path("restricted/", views.restricted, name="restricted"),
    path("children/<int:pk>/restrict/", views.restrict, name="restrict"),
    path("children/<int:pk>/restriction/", views.restriction, name="restriction"),
    path("children/<int:pk>/restriction/remove/", views.remove_person, name="remove_person"),
    path("children/<int:pk>/restriction/lift/", views.lift, name="lift"),
    path("children/<int:pk>/break-glass/", views.break_glass, name="break_glass"),
    path("children/<int:pk>/sharing/", views.sharing, name="sharing"),
    path("shares/<int:pk>/end/", views.end_share, name="end_share"),
]
