from django.urls import path

from divert.frontdoor import views

app_name = "frontdoor"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.new_enquiry, name="new"),
    path("<int:pk>/", views.enquiry, name="enquiry"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/take/", views.take, name="take"),
    path("<int:pk>/request-information/", views.request_information, name="request_information"),
    path("<int:pk>/add-child/", views.add_child, name="add_child"),
    path("children/<int:pk>/match/", views.match, name="match"),
    path("children/<int:pk>/remove/", views.remove_child, name="remove_child"),
    path("contacts/<int:pk>/decide/", views.decide, name="decide"),
    path("information-requests/", views.requests, name="requests"),
    path("information-requests/<int:pk>/", views.answer, name="answer"),
]
