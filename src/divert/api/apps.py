from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "divert.api"
    label = "api"
    verbose_name = "Read-only API for business-intelligence tools"
