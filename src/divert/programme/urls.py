from django.urls import path

from divert.programme import views

app_name = "programme"

urlpatterns = [
    path("", views.index, name="index"),
    path("work-streams/<int:pk>/", views.workstream, name="workstream"),
    path("actions/", views.action_list, name="actions"),
    path("actions/new/", views.action_new, name="action_new"),
    path("actions/<int:pk>/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("risks/", views.risks, name="risks"),
    path("risks/<int:pk>/", views.risk, name="risk"),
    path("savings/", views.savings, name="savings"),
    path("savings/<int:pk>/achieved/", views.saving_achieved, name="saving_achieved"),
    path("savings/<int:pk>/on-track/", views.saving_on_track, name="saving_on_track"),
    path("report/", views.report_page, name="report"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
]
