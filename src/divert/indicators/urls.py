from django.urls import path

from divert.indicators import views, views_outputs

app_name = "indicators"

urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("download/", views_outputs.scorecard_download, name="scorecard_download"),
    path("board-pack.<str:fmt>", views_outputs.boardpack, name="boardpack"),
    path("<slug:indicator_id>/", views.detail, name="detail"),
    path("<slug:indicator_id>/children/", views.members, name="members"),
    path("<slug:indicator_id>/series.csv", views.series_csv, name="series_csv"),
]
