from django.urls import path

from divert.indicators import views, views_outputs

app_name = "indicators"

urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("download/", views_outputs.scorecard_download, name="scorecard_download"),
    path("board-pack.<str:fmt>", views_outputs.boardpack, name="boardpack"),
    path("board-pack/", views_outputs.boardpack_start, name="boardpack_start"),
    path("board-pack/jobs/<int:pk>/", views_outputs.boardpack_job, name="boardpack_job"),
    path(
        "board-pack/jobs/<int:pk>/status.json",
        views_outputs.boardpack_job_status,
        name="boardpack_job_status",
    ),
    path("board-pack/jobs/<int:pk>/file/", views_outputs.boardpack_file, name="boardpack_file"),
    path("<slug:indicator_id>/", views.detail, name="detail"),
    path("<slug:indicator_id>/children/", views.members, name="members"),
    path("<slug:indicator_id>/series.csv", views.series_csv, name="series_csv"),
]
