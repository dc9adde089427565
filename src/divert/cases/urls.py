from django.urls import path

from divert.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.index, name="index"),
    path("children/<int:child_pk>/strategy-discussion/", views.strategy, name="strategy"),
    path("children/<int:child_pk>/assessment/", views.assessment_start, name="assessment_start"),
    path("assessments/<int:pk>/authorise/", views.assessment_complete, name="assessment_complete"),
    path("section-47/<int:pk>/conference/", views.conference, name="conference"),
    path("plan-reviews/", views.plan_reviews, name="plan_reviews"),
    path("plan-reviews/<str:kind>/<int:pk>/", views.plan_review, name="plan_review"),
]
