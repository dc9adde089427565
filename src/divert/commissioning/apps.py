from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "divert.commissioning"
    label = "commissioning"
    verbose_name = "Providers, contracts and prices"
