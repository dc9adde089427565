from django.urls import path

from divert.returns import views

app_name = "returns"

urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("<int:year>/ssda903.zip", views.export_903, name="export_903"),
    path("<int:year>/cin-census/", views.export_cin, name="export_cin"),
    path("<int:year>/validate/", views.validate, name="validate"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/status.json", views.job_status, name="job_status"),
    path("jobs/<int:pk>/results.csv", views.job_results_csv, name="job_results_csv"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
]
