from django.urls import path

from divert.commissioning import views

app_name = "commissioning"

urlpatterns = [
    path("", views.index, name="index"),
    path("reprice/", views.reprice, name="reprice"),
    path("spend/", views.spend, name="spend"),
    path("spend.csv", views.spend_csv, name="spend_csv"),
    path("spend.xlsx", views.spend_xlsx, name="spend_xlsx"),
    path("<int:pk>/", views.provider, name="provider"),
    path("<int:pk>/contracts/new/", views.contract_new, name="contract_new"),
    path("contracts/<int:pk>/", views.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/prices/new/", views.price_new, name="price_new"),
    path("placements/<int:pk>/cost/", views.placement_cost, name="placement_cost"),
]
