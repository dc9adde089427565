from django.urls import path

from divert.panels import views

app_name = "panels"

urlpatterns = [
    path("", views.index, name="index"),
    path("entries/", views.entries, name="entries"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/agenda/", views.add_to_meeting, name="add_to_meeting"),
    path("children/<int:child_pk>/edge-of-care/", views.propose, name="propose"),
    path("children/<int:child_pk>/resources/", views.request_new, name="request"),
    path("edge-of-care/<int:pk>/", views.proposal, name="proposal"),
    path("edge-of-care/<int:pk>/decision/", views.decide_proposal, name="decide_proposal"),
    path("resources/<int:pk>/", views.resource, name="resource"),
    path("resources/<int:pk>/options/new/", views.add_option, name="add_option"),
    path("resources/<int:pk>/decision/", views.decide_resource, name="decide_resource"),
    path("resources/<int:pk>/placement/", views.link_placement, name="link_placement"),
    path("placements/unapproved/", views.unapproved, name="unapproved"),
]
