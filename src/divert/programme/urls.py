from django.urls import path

from divert.programme import views

app_name = "programme"

urlpatterns = [
    path("", views.index, name="index"),
    path("work-streams/new/", views.workstream_new, name="workstream_new"),
    path("work-streams/<int:pk>/", views.workstream, name="workstream"),
    path("work-streams/<int:pk>/edit/", views.workstream_edit, name="workstream_edit"),
    path("actions/", views.action_list, name="actions"),
    path("actions/new/", views.action_new, name="action_new"),
    path("actions/<int:pk>/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("risks/", views.risks, name="risks"),
    path("risks/new/", views.risk_new, name="risk_new"),
    path("risks/<int:pk>/", views.risk, name="risk"),
    path("risks/<int:pk>/edit/", views.risk_edit, name="risk_edit"),
    path("savings/", views.savings, name="savings"),
    path("savings/new/", views.saving_new, name="saving_new"),
    path("savings/<int:pk>/edit/", views.saving_edit, name="saving_edit"),
    path("savings/<int:pk>/achieved/", views.saving_achieved, name="saving_achieved"),
    path("savings/<int:pk>/on-track/", views.saving_on_track, name="saving_on_track"),
    path("report/", views.report_page, name="report"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
]
