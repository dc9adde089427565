from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "divert.cases"
    label = "cases"
