from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "divert.panels"
    label = "panels"
    verbose_name = "Edge-of-care and resource panels"
