from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "divert.oversight"
    label = "oversight"
    verbose_name = "Audit you can use: who looked, access histories and unusual-access alerts"
